/**
 * The generated blocks of README.md: pure functions that find a marked block and replace it, so
 * `tools/readme.ts` writes it and a test fails when the committed README drifts from the code.
 */
import { renderDataTable } from "../components/data/plan";

export const DATA_TABLE_START = "<!-- data-table:start -->";
export const DATA_TABLE_END = "<!-- data-table:end -->";

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

/** `readme` with the data-table block regenerated; throws naming the markers when they are absent. */
export function withDataTable(readme: string): string {
    const block = currentBlock(readme);
    if (block === undefined) {
        throw new Error(`README.md has no ${DATA_TABLE_START} … ${DATA_TABLE_END} block; add both markers under "## Data layer"`);
    }
    return readme.replace(block, () => dataTableBlock());
}
