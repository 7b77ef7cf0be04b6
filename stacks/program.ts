/**
 * The Pulumi program: validate all config, read the primary (secondaries), then declare the
 * region. A function, not top-level code, so the offline plan can run it once per stack in one
 * process.
 */
import { loadSettings, readEarlierSecondaries, readPrimary } from "./config";
import { deployRegion } from "./region";

export async function program(): Promise<Record<string, unknown>> {
    const settings = loadSettings();
    if (settings.role === "primary") return deployRegion({ settings });
    return deployRegion({ settings, primary: await readPrimary(settings), earlier: await readEarlierSecondaries(settings) });
}
