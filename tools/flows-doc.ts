/**
 * docs/flows.md's generated flow table, rendered from components/network/flows.ts over the
 * registry in Pulumi.yaml. `npx ts-node --transpile-only tools/flows-doc.ts [--check]` writes it
 * (or exits 1 when it drifted); test/network/flows.spec.ts fails on drift too.
 */
import * as fs from "fs";
import { syncGeneratedFile } from "./generated-file";
import * as path from "path";
import * as YAML from "yaml";
import { FlowRegion, flowTable } from "../components/network/flows";
import { cell, replaceBlock } from "./readme-block";

export const FLOWS_START = "<!-- flow-table:start -->";
export const FLOWS_END = "<!-- flow-table:end -->";
export const FLOWS_DOC = path.resolve(__dirname, "..", "docs", "flows.md");

/** The registry in `dir`/Pulumi.yaml as the flow table reads it. */
export function registryRegions(dir = path.resolve(__dirname, "..")): FlowRegion[] {
    const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    const raw = project.config["mall:regions"].value as Record<string, { cidr: string; role: "primary" | "secondary" }>;
    return Object.entries(raw).map(([name, v]) => ({ name, cidr: v.cidr, role: v.role }));
}

/** The block between the markers (markers included). */
export function flowsBlock(regions: readonly FlowRegion[] = registryRegions()): string {
    const rows = flowTable(regions).map((r) => `| \`${r.id}\` | ${r.expected} | ${r.states.length === regions.length ? "any" : r.states.join(", ")} | ${cell(r.owner)} | ${cell(r.purpose)} |`);
    return [FLOWS_START, "| flow | expected today | writer | owner | why |", "| --- | --- | --- | --- | --- |", ...rows, FLOWS_END].join("\n");
}

/** `doc` with the block regenerated; throws naming the markers when they are absent. */
export function withFlowsBlock(doc: string): string {
    return replaceBlock(doc, "docs/flows.md", FLOWS_START, FLOWS_END, () => flowsBlock());
}

if (require.main === module) {
    syncGeneratedFile(FLOWS_DOC, withFlowsBlock, "npx ts-node --transpile-only tools/flows-doc.ts");
}
