version 1.0

# A deliberately tiny private workflow: it proves the HealthOmics path end to end (store ->
# run group -> run -> status event on the audit bus) and records the SHA-256 of its input,
# so a run's output can be tied to the exact bytes it read (11.10(e), Annex 11 5).

workflow ChecksumFastq {
    input {
        File reads
        String sample_id
        # HealthOmics pulls only from private ECR in the run's region: the worker image.
        String container_image
    }

    call Checksum { input: reads = reads, sample_id = sample_id, container_image = container_image }

    output {
        File checksum = Checksum.checksum
    }
}

task Checksum {
    input {
        File reads
        String sample_id
        String container_image
    }

    command <<<
        sha256sum ~{reads} | awk '{print $1}' > ~{sample_id}.sha256
    >>>

    output {
        File checksum = "~{sample_id}.sha256"
    }

    runtime {
        docker: container_image
        cpu: 2
        memory: "4 GiB"
    }
}
