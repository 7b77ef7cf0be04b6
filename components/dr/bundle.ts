/**
 * Bundles the failover function from the repo's TypeScript (lambdas/) with esbuild at program time.
 *
 * The AWS SDK is bundled, not taken from the Lambda runtime: the failover calls (DocumentDB
 * FailoverGlobalCluster with AllowDataLoss, Switchover) are recent and the runtime's SDK version
 * is whatever AWS ships that month. The bundle is written once per content hash under `.build/`
 * and referenced by path, so the plan records a small, stable input (`.build/lambdas/<sha>/…`)
 * instead of megabytes of code, and any code change shows up as a new path in the plan diff.
 */
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface Bundle {
    /** sha256 of the bundled code, hex. */
    readonly sha256: string;
    /** Path of the bundled file, relative to the repo root. */
    readonly file: string;
    readonly archive: pulumi.asset.AssetArchive;
}

const cache = new Map<string, Bundle>();

/** Bundles `entry` (relative to the repo root) to one CommonJS `index.js` for Node.js 22. */
export function bundleLambda(entry: string): Bundle {
    const hit = cache.get(entry);
    if (hit) return hit;
    const result = esbuild.buildSync({
        absWorkingDir: REPO_ROOT,
        entryPoints: [entry],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        minify: true,
        // Names kept: errors in the logs read "PartialFailureError", not "e".
        keepNames: true,
        legalComments: "none",
        sourcemap: false,
        write: false,
        logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    const sha256 = createHash("sha256").update(code).digest("hex");
    const dir = path.join(".build", "lambdas", sha256.slice(0, 16));
    const file = path.join(dir, "index.js");
    const abs = path.join(REPO_ROOT, file);
    if (!fs.existsSync(abs)) {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, code);
    }
    // Relative to the project root, where Pulumi runs the program: the plan stays machine-independent.
    const bundle: Bundle = { sha256, file, archive: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(file) }) };
    cache.set(entry, bundle);
    return bundle;
}
