/**
 * The generated blocks of README.md: pure functions that find a marked block and replace it, so
 * `tools/readme.ts` writes it and a test fails when the committed README drifts from the code.
 */
import { SERVICES } from "../components/catalogue";
import { STORES, storeUsers } from "../components/data/plan";
import { KeyRead, configReads } from "../stacks/settings";
import { CONFIG_KEYS, CONFIG_SECTIONS, ConfigKeyDoc, REFERENCE_CONFIG, SECTION_TITLES } from "../stacks/settings/docs";

/** The README's data-layer table (markdown), rendered from STORES and the catalogue. */
export function renderDataTable(): string {
    const rows = [
        ["store", "services", "replication", "RPO"],
        ["---", "---", "---", "---"],
        ...STORES.map((s) => {
            const users = storeUsers(s);
            const all = users.length === SERVICES.length && SERVICES.every((svc) => users.includes(svc.name));
            return [s.label, all ? `all ${SERVICES.length} services` : users.join(", "), s.replication, s.rpo];
        }),
    ];
    return rows.map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export const DATA_TABLE_START = "<!-- data-table:start -->";
export const DATA_TABLE_END = "<!-- data-table:end -->";
export const CONFIG_TABLE_START = "<!-- config-table:start -->";
export const CONFIG_TABLE_END = "<!-- config-table:end -->";

/** The block as it must appear between the markers (markers included). */
export function dataTableBlock(): string {
    return `${DATA_TABLE_START}\n${renderDataTable()}\n${DATA_TABLE_END}`;
}

/** The current block in `readme` (markers included), or undefined when the markers are missing. */
export function currentBlock(readme: string, start = DATA_TABLE_START, end = DATA_TABLE_END): string | undefined {
    const i = readme.indexOf(start);
    const j = readme.indexOf(end, i + start.length);
    return i < 0 || j < 0 ? undefined : readme.slice(i, j + end.length);
}

/**
 * `doc` with the block between `start` and `end` replaced by `render()`; throws naming the file,
 * the markers and where they go (`hint`) when they are absent.
 */
export function replaceBlock(doc: string, file: string, start: string, end: string, render: () => string, hint = ""): string {
    const block = currentBlock(doc, start, end);
    if (block === undefined) throw new Error(`${file} has no ${start} … ${end} block${hint}`);
    return doc.replace(block, render);
}

/** `readme` with the data-table block regenerated; throws naming the markers when they are absent. */
export function withDataTable(readme: string): string {
    return replaceBlock(readme, "README.md", DATA_TABLE_START, DATA_TABLE_END, dataTableBlock, '; add both markers under "## Data layer"');
}

/** How the table shows the default a reader declared (before any `defaultNote`). */
export function formatDefault(read: KeyRead): string {
    if (read.required) return "required";
    const d = read.default;
    if (d === undefined || d === "") return "unset";
    // Object defaults are the reader's own description (Markdown), not a value to quote.
    if (read.kind === "object") return String(d);
    if (Array.isArray(d)) return d.length === 0 ? "`[]`" : `\`[${d.join(", ")}]\``;
    return `\`${String(d)}\``;
}

/** How the table marks a key that does not go in every stack file. */
const WHERE: Readonly<Record<NonNullable<ConfigKeyDoc["where"]>, string>> = {
    "Pulumi.yaml": "In Pulumi.yaml.",
    "primary only": "Primary only.",
    "secondaries only": "Secondaries only.",
};

/** A table cell: pipes would end the cell, newlines the row. */
export function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The configuration table: key | default | what it does, one table per section. Defaults come
 * from `reads` (what the readers declared), overridden only by a documented `default`. Throws
 * naming any key read but not documented or documented but not read, so a README is never
 * generated from a table that drifted.
 */
export function renderConfigTable(reads: ReadonlyMap<string, KeyRead>, docs: Readonly<Record<string, ConfigKeyDoc>> = CONFIG_KEYS): string {
    const undocumented = [...reads.keys()].filter((k) => !(k in docs));
    const unread = Object.keys(docs).filter((k) => !reads.has(k));
    if (undocumented.length > 0 || unread.length > 0) {
        throw new Error(
            [
                undocumented.length ? `read but not in CONFIG_KEYS (stacks/settings/docs.ts): ${undocumented.join(", ")}` : "",
                unread.length ? `in CONFIG_KEYS but read by no reader: ${unread.join(", ")}` : "",
            ]
                .filter(Boolean)
                .join("; "),
        );
    }
    const sections: string[] = [];
    for (const section of CONFIG_SECTIONS) {
        const keys = Object.keys(docs).filter((k) => docs[k].section === section);
        if (keys.length === 0) continue;
        const { title, doc } = SECTION_TITLES[section];
        const rows = keys.map((key) => {
            const d = docs[key];
            const def = d.default ?? formatDefault(reads.get(key)!) + (d.defaultNote ? ` (${d.defaultNote})` : "");
            const what = d.where ? `*${WHERE[d.where]}* ${d.description}` : d.description;
            return `| \`${key}\` | ${cell(def)} | ${cell(what)} |`;
        });
        sections.push([`**${title}**${doc ? ` ([${doc}](${doc}))` : ""}`, "", "| key | default | what it does |", "| --- | --- | --- |", ...rows].join("\n"));
    }
    return sections.join("\n\n");
}

/** The configuration block as it must appear in README.md (markers included). */
export function configTableBlock(): string {
    const reads = configReads(REFERENCE_CONFIG.project, REFERENCE_CONFIG.stack, REFERENCE_CONFIG.raw);
    return `${CONFIG_TABLE_START}\n${renderConfigTable(reads)}\n${CONFIG_TABLE_END}`;
}

/** `readme` with the configuration block regenerated; throws naming the markers when they are absent. */
export function withConfigTable(readme: string): string {
    return replaceBlock(readme, "README.md", CONFIG_TABLE_START, CONFIG_TABLE_END, configTableBlock, '; add both markers under "### Configuration keys"');
}

/** `readme` with every generated block regenerated. */
export function withGeneratedBlocks(readme: string): string {
    return withConfigTable(withDataTable(readme));
}
