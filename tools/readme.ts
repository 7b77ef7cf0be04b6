/**
 * `npx ts-node --transpile-only tools/readme.ts [--check]`: regenerates README.md's generated
 * blocks from the code: the data-layer table (components/data/plan.ts STORES + the service
 * catalogue) and the configuration table (the readers in stacks/settings + stacks/settings/docs.ts).
 * `--check` exits 1 when the README is out of date instead of writing it (CI;
 * test/data/plan.spec.ts and test/stacks/config-docs.spec.ts do the same).
 */
import * as fs from "fs";
import * as path from "path";
import { withGeneratedBlocks } from "./readme-block";

const file = path.resolve(__dirname, "..", "README.md");
const current = fs.readFileSync(file, "utf8");
const next = withGeneratedBlocks(current);
if (process.argv.includes("--check")) {
    if (next !== current) {
        console.error("README.md's generated tables (data layer, configuration) are out of date: run npx ts-node --transpile-only tools/readme.ts");
        process.exit(1);
    }
    console.log("README.md is up to date");
} else if (next !== current) {
    fs.writeFileSync(file, next);
    console.log("README.md: generated tables regenerated");
} else {
    console.log("README.md: already up to date");
}
