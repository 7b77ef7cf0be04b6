/**
 * `npx ts-node --transpile-only tools/readme.ts [--check]`: regenerates README.md's generated
 * blocks from the code: the data-layer table (components/data/plan.ts STORES + the service
 * catalogue) and the configuration table (the readers in stacks/settings + stacks/settings/docs.ts).
 * `--check` exits 1 when the README is out of date instead of writing it (CI;
 * test/data/plan.spec.ts and test/stacks/config-docs.spec.ts do the same).
 */
import * as path from "path";
import { syncGeneratedFile } from "./generated-file";
import { withGeneratedBlocks } from "./readme-block";

syncGeneratedFile(path.resolve(__dirname, "..", "README.md"), withGeneratedBlocks, "npx ts-node --transpile-only tools/readme.ts");
