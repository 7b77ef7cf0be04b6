import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packHash, typeCheckPack } from "../../tools/plan/typecheck";
import { PACK_DIR } from "./fixtures";

/** A pack directory beside ours, so typescript resolves from the project's node_modules. */
function scratchPack(index: string): string {
    const dir = fs.mkdtempSync(path.join(PACK_DIR, "..", ".build", "typecheck-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, files: ["index.ts"] }));
    fs.writeFileSync(path.join(dir, "index.ts"), index);
    return dir;
}

describe("tools/plan/typecheck: the pack type-checked once per change", () => {
    before(() => fs.mkdirSync(path.join(PACK_DIR, "..", ".build"), { recursive: true }));

    it("rejects a pack with a type error, naming the file and the error, and remembers nothing", async () => {
        const dir = scratchPack("const n: number = 'one';\nexport {};\n");
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-cache-"));
        try {
            await assert.rejects(typeCheckPack(dir, cache), (e: Error) => /does not type-check/.test(e.message) && /index\.ts\(1,7\): error TS2322/.test(e.message));
            assert.deepStrictEqual(fs.readdirSync(cache), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("remembers a pass by the sources' hash, and checks again when a source changes", async () => {
        const dir = scratchPack("export const n: number = 1;\n");
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-cache-"));
        try {
            const before = packHash(dir);
            await typeCheckPack(dir, cache);
            assert.deepStrictEqual(fs.readdirSync(cache), [`pack-${before}.ok`]);
            fs.writeFileSync(path.join(dir, "index.ts"), "export const n: number = 'changed';\n");
            assert.notStrictEqual(packHash(dir), before);
            await assert.rejects(typeCheckPack(dir, cache), /does not type-check/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
