// Lays out Graphviz DOT sources with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): reads
// {"name": "digraph ..."} as JSON on stdin, writes {"name": "<svg ...>"} as JSON on stdout.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const sources = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const graphviz = await Graphviz.load();
const out = {};
for (const [name, dot] of Object.entries(sources)) out[name] = graphviz.dot(dot, "svg");
process.stdout.write(JSON.stringify(out));
