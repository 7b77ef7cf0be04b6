/**
 * `npx ts-node --transpile-only tools/readme.ts [--check]`: regenerates README.md's data-layer table
 * from the code (components/data/plan.ts STORES + the service catalogue). `--check` exits 1 when the
 * README is out of date instead of writing it (CI; test/data/readme.spec.ts does the same).
 */
import * as fs from "fs";
import * as path from "path";
import { withDataTable } from "./readme-block";

const file = path.resolve(__dirname, "..", "README.md");
const current = fs.readFileSync(file, "utf8");
const next = withDataTable(current);
if (process.argv.includes("--check")) {
    if (next !== current) {
        console.error("README.md's data-layer table is out of date: run npx ts-node --transpile-only tools/readme.ts");
        process.exit(1);
    }
    console.log("README.md is up to date");
} else if (next !== current) {
    fs.writeFileSync(file, next);
    console.log("README.md: data-layer table regenerated");
} else {
    console.log("README.md: already up to date");
}
