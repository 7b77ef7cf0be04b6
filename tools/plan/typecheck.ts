/**
 * The policy pack type-checked once per change: the engine's runner type-checks it in every pack
 * process (seconds each); the offline plan starts its pack processes transpile-only
 * (tools/pack-transpile-only.js) and runs `tsc --noEmit -p policy` here instead, once, beside the
 * first stack's program. A pass is remembered by the hash of the pack's sources and the compiler's
 * version, so an unchanged pack is not checked again.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

function packSources(dir: string, out: string[] = []): string[] {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) packSources(full, out);
        else if (/\.(ts|json|yaml)$/.test(entry.name)) out.push(full);
    }
    return out;
}

/** What a pass depends on: every source, config and manifest of the pack, and the compiler. */
export function packHash(packDir: string): string {
    const tsc = require.resolve("typescript/package.json", { paths: [fs.realpathSync(packDir)] });
    const hash = crypto.createHash("sha256").update(`typescript ${(JSON.parse(fs.readFileSync(tsc, "utf8")) as { version: string }).version}\n`);
    for (const file of packSources(packDir)) hash.update(`${path.relative(packDir, file)}\n`).update(fs.readFileSync(file));
    return hash.digest("hex").slice(0, 16);
}

/**
 * Resolves when the pack type-checks (at once when this hash passed before); rejects with the
 * compiler's messages otherwise. `cacheDir` holds one empty file per passing hash.
 */
export async function typeCheckPack(packDir: string, cacheDir: string): Promise<void> {
    const marker = path.join(cacheDir, `pack-${packHash(packDir)}.ok`);
    if (fs.existsSync(marker)) return;
    // The real path, as the runner loads it: a linked pack resolves its types beside its real self.
    const real = fs.realpathSync(packDir);
    const tsc = require.resolve("typescript/bin/tsc", { paths: [real] });
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
        const child = spawn(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", real], { stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (text += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (text += d));
        child.on("close", (code) => resolve({ code, text }));
        child.on("error", (e) => resolve({ code: -1, text: String(e) }));
    });
    if (output.code !== 0) {
        throw new Error(`the policy pack does not type-check (tsc --noEmit -p ${path.relative(process.cwd(), packDir) || packDir}):\n${output.text.trim()}`);
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(marker, "");
}
