/**
 * Writes a file's generated blocks, or with `--check` only says whether they drifted: the one
 * command shape of tools/readme.ts and tools/flows-doc.ts (the drift tests check the same blocks).
 */
import * as fs from "fs";
import * as path from "path";

/** Regenerates `file` with `regenerate`, or (`--check` in argv) exits 1 naming `command` when it drifted. */
export function syncGeneratedFile(file: string, regenerate: (current: string) => string, command: string, argv: readonly string[] = process.argv): void {
    const name = path.relative(path.resolve(__dirname, ".."), file);
    const current = fs.readFileSync(file, "utf8");
    const next = regenerate(current);
    if (argv.includes("--check")) {
        if (next !== current) {
            console.error(`${name}'s generated blocks are out of date: run ${command}`);
            process.exit(1);
        }
        console.log(`${name} is up to date`);
    } else if (next !== current) {
        fs.writeFileSync(file, next);
        console.log(`${name}: generated blocks regenerated`);
    } else {
        console.log(`${name}: already up to date`);
    }
}
