/** A scratch copy of the project's stack files, for plans of registries the repository does not ship. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The project with ap-northeast-2 (10.2.0.0/16) added as the README says: one registry entry and a
 * copy of a secondary's stack file with the region swapped. Returns the directory (the caller removes it).
 */
export function threeRegionProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mall-3r-"));
    for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..*ya?ml$/.test(f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    project.config["mall:regions"].value["ap-northeast-2"] = { cidr: "10.2.0.0/16", role: "secondary" };
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
    const west = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.us-west-2.yaml"), "utf8"));
    const runner = { ...west.config["mall:deployRunner"], connectionArn: String(west.config["mall:deployRunner"].connectionArn).replace("us-west-2", "ap-northeast-2") };
    fs.writeFileSync(path.join(dir, "Pulumi.ap-northeast-2.yaml"), YAML.stringify({ config: { ...west.config, "aws:region": "ap-northeast-2", "mall:deployRunner": runner } }));
    return dir;
}
