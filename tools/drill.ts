/**
 * `npm run drill [-- --plan <dir>] [--environment <env>] [--timeline]`: prints an environment's
 * drill report (`.plan/drills.json` for production, `drills.<env>.json` for another) as a table;
 * plans that environment first when the file is absent. Exit 0 whatever the drills find: the
 * gaps are reported, and the tests decide what fails CI.
 */
import * as fs from "fs";
import * as path from "path";
import { drillsFileName, environmentPlan, plan } from "./plan/plan";
import { PRODUCTION } from "../stacks/settings/registry";
import { renderDrills } from "./drills/render";
import { DrillsReport } from "./drills/simulate";

const USAGE = "usage: npm run drill [-- --plan <dir>] [--environment <env>] [--timeline]";

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    let dir = ".plan";
    let timeline = false;
    let environment = PRODUCTION;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--plan") dir = argv[++i];
        else if (argv[i] === "--environment" || argv[i] === "-e") environment = argv[++i];
        else if (argv[i] === "--timeline") timeline = true;
        else if (argv[i] === "--help" || argv[i] === "-h") {
            console.log(USAGE);
            return 0;
        } else throw new Error(`unknown argument "${argv[i]}"; ${USAGE}`);
    }
    const file = path.resolve(dir, drillsFileName(environment));
    if (!fs.existsSync(file)) {
        process.stderr.write(`${path.relative(process.cwd(), file)} is absent: planning ${environment}'s stacks first …\n`);
        const result = await plan({ outDir: path.resolve(dir), environment });
        if (!environmentPlan(result, environment).complete) {
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
