/**
 * `npm run plan:diff -- <baseDir> <headDir> [--json <out.json>]`: compares two offline plans
 * (`npm run plan -- --out <dir>`) by URN. Exit codes: 0 no differences, 1 differences, 2 usage or
 * unreadable plans — so a script can tell "changed" from "could not compare".
 */
import * as path from "path";
import * as fs from "fs";
import { diffPlanDirs, emitDiff } from "./plan/diff";
import { loadProject, planOrder } from "./plan/stacks";

const USAGE = "usage: npm run plan:diff -- <baseDir> <headDir> [--json <out.json>]";

function parseArgs(argv: string[]): { base: string; head: string; json?: string } {
    const dirs: string[] = [];
    let json: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") {
            json = argv[++i];
            if (!json) throw new Error(`--json needs a file name; ${USAGE}`);
        } else if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else if (a.startsWith("-")) throw new Error(`unknown option "${a}"; ${USAGE}`);
        else dirs.push(a);
    }
    if (dirs.length !== 2) throw new Error(`expected two plan directories, got ${dirs.length}; ${USAGE}`);
    return { base: dirs[0], head: dirs[1], json };
}

function main(): number {
    let args;
    let diff;
    try {
        args = parseArgs(process.argv.slice(2));
        diff = diffPlanDirs(path.resolve(args.base), path.resolve(args.head));
    } catch (e) {
        console.error(`plan-diff: ${e instanceof Error ? e.message : String(e)}`);
        return 2;
    }
    // Run from the project root, it also says which stacks to deploy, in dependency order.
    let order: string[] | undefined;
    try {
        order = fs.existsSync("Pulumi.yaml") ? planOrder(loadProject(process.cwd())).map((s) => s.stack) : undefined;
    } catch {
        order = undefined;
    }
    return emitDiff(diff, args.json, order);
}

process.exit(main());
