// Prints HTML pages as a QA lead would: in headless Chromium (@sparticuz/chromium driven by puppeteer-core),
// one browser for every page. Reads {"pages": [{"html": path, "pdf": path or null}], "inspect": bool} as
// JSON on stdin; for each page, laid out for landscape A4, reports what it rendered and every table
// cell or column cut off at the page's edge, and prints it to PDF when asked. Writes the report as JSON.
import chromium from "@sparticuz/chromium";
import puppeteer from "puppeteer-core";
import { pathToFileURL } from "node:url";

// A4 landscape, 297 mm wide, less the 10 mm side margins of the print CSS, at 96 CSS px per inch.
const PRINTABLE_WIDTH = Math.floor(((297 - 20) / 25.4) * 96);

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const browser = await puppeteer.launch({
  args: [...chromium.args, "--allow-file-access-from-files"],
  executablePath: await chromium.executablePath(),
  headless: true,
});
const report = {};
try {
  const page = await browser.newPage();
  await page.emulateMediaType("print");
  await page.setViewport({ width: PRINTABLE_WIDTH, height: 800 });
  for (const { html, pdf } of job.pages) {
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    const seen = await page.evaluate((width) => {
      const all = (sel, fn) => Array.from(document.querySelectorAll(sel)).map(fn);
      const clipped = [];
      document.querySelectorAll("table").forEach((table, t) => {
        const box = table.getBoundingClientRect();
        if (box.right > width + 1) clipped.push(`table ${t} ends at ${Math.round(box.right)} px, the page at ${width}`);
        table.querySelectorAll("th, td").forEach((cell) => {
          const right = cell.getBoundingClientRect().right;
          if (cell.scrollWidth > cell.clientWidth + 1 || right > width + 1) {
            const header = cell.closest("table").querySelectorAll("th")[cell.cellIndex];
            clipped.push(`table ${t}, column "${header ? header.textContent.trim() : cell.cellIndex}": ` +
                         `${cell.scrollWidth} px of content in ${cell.clientWidth} px, right edge ${Math.round(right)}`);
          }
        });
      });
      if (document.documentElement.scrollWidth > width + 1) {
        clipped.push(`the page is ${document.documentElement.scrollWidth} px wide, the paper ${width}`);
      }
      return {
        title: document.title,
        height: document.body ? document.body.scrollHeight : 0,
        ids: all("[id]", (e) => e.id),
        hrefs: all("a[href]", (e) => e.getAttribute("href")),
        clause_rows: all('tr[id^="m-"]', (e) => e.id.slice(2)),
        svgs: document.querySelectorAll("svg").length,
        repeated_headers: all("thead", (e) => getComputedStyle(e).display).every((d) => d === "table-header-group"),
        clipped,
      };
    }, PRINTABLE_WIDTH);
    if (pdf) {
      await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    }
    report[html] = seen;
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
