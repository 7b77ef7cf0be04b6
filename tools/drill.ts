/**
 * `npm run drill [-- --plan <dir>] [--timeline]`: prints `.plan/drills.json` as a table; plans
 * first (as `npm run plan` does) when the file is absent. Exit 0 whatever the drills find: the
 * gaps are reported, and the tests decide what fails CI.
 */
import * as fs from "fs";
import * as path from "path";
import { DRILLS_FILE, plan } from "./plan/plan";
import { renderDrills } from "./drills/render";
import { DrillsReport } from "./drills/simulate";

const USAGE = "usage: npm run drill [-- --plan <dir>] [--timeline]";

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    let dir = ".plan";
    let timeline = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--plan") dir = argv[++i];
        else if (argv[i] === "--timeline") timeline = true;
        else if (argv[i] === "--help" || argv[i] === "-h") {
            console.log(USAGE);
            return 0;
        } else throw new Error(`unknown argument "${argv[i]}"; ${USAGE}`);
    }
    const file = path.resolve(dir, DRILLS_FILE);
    if (!fs.existsSync(file)) {
        process.stderr.write(`${path.relative(process.cwd(), file)} is absent: planning every stack first …\n`);
        const result = await plan({ outDir: path.resolve(dir) });
        if (!result.complete) {
            console.error(`drill: the plan did not complete${result.failure ? ` (${result.failure.stack}: ${result.failure.error.message})` : ""}; run npm run plan for details`);
            return 2;
        }
    }
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as DrillsReport;
    console.log(renderDrills(report, { timeline }));
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`drill failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
    },
);
