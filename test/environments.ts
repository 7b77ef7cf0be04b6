/**
 * Moves a production stack's test config into another environment, as a user would: the
 * environment's registry declared under `mall:environments` (here: production's regions), the
 * stack's `mall:environment` set and its name `<env>-<region>`.
 */
export function inEnvironment(environment: string, raw: Readonly<Record<string, string>>): Record<string, string> {
    const regions = JSON.parse(raw["mall:regions"] ?? "{}") as unknown;
    return { ...raw, "mall:environment": environment, "mall:environments": JSON.stringify({ [environment]: { regions } }) };
}
