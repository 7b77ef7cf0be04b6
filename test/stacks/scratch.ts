/** A scratch copy of the project's stack files, for plans of registries the repository does not ship. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

/** The region the README's "Adding a region" adds, with its registry entry. */
export const ADDED_REGION = { name: "ap-northeast-2", cidr: "10.2.0.0/16" } as const;

/**
 * Adds ap-northeast-2 (10.2.0.0/16) to the project in `dir` as the README says: one registry
 * entry in Pulumi.yaml and a copy of a secondary's stack file with the region swapped (aws:region
 * and the runners' GitHub connection).
 */
export function addRegionAsReadme(dir: string): void {
    const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    project.config["mall:regions"].value[ADDED_REGION.name] = { cidr: ADDED_REGION.cidr, role: "secondary" };
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
    const west = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.us-west-2.yaml"), "utf8"));
    const runner = { ...west.config["mall:deployRunner"], connectionArn: String(west.config["mall:deployRunner"].connectionArn).replace("us-west-2", ADDED_REGION.name) };
    fs.writeFileSync(path.join(dir, `Pulumi.${ADDED_REGION.name}.yaml`), YAML.stringify({ config: { ...west.config, "aws:region": ADDED_REGION.name, "mall:deployRunner": runner } }));
}

/**
 * The project's stack files with ap-northeast-2 added as the README says. Returns the directory
 * (the caller removes it).
 */
export function threeRegionProject(): string {
    const dir = stackFilesCopy("mall-3r-");
    addRegionAsReadme(dir);
    return dir;
}

/** The project's Pulumi.yaml and stack files (but `except`) in a new temp dir; the caller removes it. */
export function stackFilesCopy(prefix: string, except: readonly string[] = []): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..*ya?ml$/.test(f) && !except.includes(f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    return dir;
}

/** What a copy of the project leaves out: installed, generated and version-control state. */
const NOT_COPIED = new Set(["node_modules", ".git", ".plan", ".build", ".plan-cache"]);

/** A full copy of the project (sources, tests, docs, stack files) sharing this tree's node_modules. The caller removes it. */
export function projectCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mall-copy-"));
    for (const entry of fs.readdirSync(ROOT).filter((e) => !NOT_COPIED.has(e))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(dir, "node_modules"), "dir");
    return dir;
}
