/**
 * `npx ts-node tools/plugins.ts [--install]`: the Pulumi resource plugins this program needs, at the
 * versions the lockfile installed (each `@pulumi/<provider>` package names its plugin in its
 * package.json `pulumi` field). `--install` runs `pulumi plugin install resource <name> <version>`
 * for each.
 *
 * Why: the jobs that hold cloud credentials install with `npm ci --ignore-scripts`, so no dependency's
 * lifecycle script runs beside those credentials. The only script that did work the program needs
 * is @pulumi/kubernetes's plugin download; this installs every plugin explicitly instead, at the
 * same pinned versions (test/workflows/pipeline.spec.ts keeps the list and the lockfile equal).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Plugin {
    readonly name: string;
    readonly version: string;
    /** The npm package that names it. */
    readonly from: string;
}

/** The resource plugins the installed `@pulumi/*` packages name, sorted by name. */
export function resourcePlugins(root: string = path.resolve(__dirname, "..")): Plugin[] {
    const scope = path.join(root, "node_modules", "@pulumi");
    if (!fs.existsSync(scope)) throw new Error(`${scope} does not exist: run npm ci (--ignore-scripts is enough) first`);
    const plugins: Plugin[] = [];
    for (const dir of fs.readdirSync(scope).sort()) {
        const file = path.join(scope, dir, "package.json");
        if (!fs.existsSync(file)) continue;
        const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name: string; pulumi?: { resource?: boolean; name?: string; version?: string } };
        if (!pkg.pulumi?.resource) continue;
        if (!pkg.pulumi.name || !pkg.pulumi.version) throw new Error(`${pkg.name} marks a resource plugin without its name and version (${file})`);
        plugins.push({ name: pkg.pulumi.name, version: pkg.pulumi.version, from: pkg.name });
    }
    return plugins.sort((a, b) => a.name.localeCompare(b.name));
}

function main(argv: string[]): void {
    const unknown = argv.filter((a) => a !== "--install");
    if (unknown.length > 0) {
        console.error(`unknown argument ${unknown.join(" ")}; usage: npx ts-node tools/plugins.ts [--install]`);
        process.exit(2);
    }
    const plugins = resourcePlugins();
    for (const p of plugins) {
        const args = ["plugin", "install", "resource", p.name, p.version];
        console.log(`pulumi ${args.join(" ")}   # ${p.from}`);
        if (argv.includes("--install")) execFileSync("pulumi", args, { stdio: "inherit" });
    }
}

if (require.main === module) main(process.argv.slice(2));
