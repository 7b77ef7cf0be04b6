/**
 * Typed, validating access to a stack's raw config (the `PULUMI_CONFIG` map: "ns:key" -> string,
 * structured values as JSON). Every problem is collected, never thrown one at a time, so a user
 * fixes a broken stack file in one pass. Pure: no Pulumi imports, the tests and the offline plan
 * feed it plain maps.
 */

export type RawConfig = Readonly<Record<string, string>>;

export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly string[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

export interface NumberOptions {
    readonly default: number;
    readonly min?: number;
    readonly max?: number;
    readonly integer?: boolean;
}

export class ConfigReader {
    readonly problems: string[] = [];
    private readonly read = new Set<string>();

    constructor(
        readonly stack: string,
        private readonly raw: RawConfig,
    ) {}

    has(key: string): boolean {
        this.read.add(key);
        return this.raw[key] !== undefined;
    }

    problem(message: string): void {
        this.problems.push(message);
    }

    /** A string; `required` is the hint printed when it is missing. */
    string(key: string): string | undefined;
    string(key: string, opts: { default: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string }): string;
    string(key: string, opts: { required: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string }): string;
    string(key: string, opts: { default?: string; required?: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string } = {}): string | undefined {
        this.read.add(key);
        const value = this.raw[key];
        if (value === undefined || value === "") {
            if (opts.required !== undefined) {
                this.problem(`${key} is not set; ${opts.required}`);
                return "";
            }
            return opts.default;
        }
        if (opts.allowed && !opts.allowed.includes(value)) {
            this.problem(`${key} "${value}" must be one of ${opts.allowed.join(", ")}`);
            return opts.default ?? "";
        }
        if (opts.pattern && !opts.pattern.test(value)) {
            this.problem(`${key} "${value}" is not ${opts.describe ?? `of the form ${opts.pattern}`}`);
            return opts.default ?? "";
        }
        return value;
    }

    number(key: string, opts: NumberOptions): number {
        this.read.add(key);
        const value = this.raw[key];
        if (value === undefined || value === "") return opts.default;
        const n = Number(value);
        const integer = opts.integer ?? true;
        const range =
            opts.min !== undefined && opts.max !== undefined
                ? ` between ${opts.min} and ${opts.max}`
                : opts.min !== undefined
                  ? ` of at least ${opts.min}`
                  : opts.max !== undefined
                    ? ` of at most ${opts.max}`
                    : "";
        if (
            !Number.isFinite(n) ||
            (integer && !Number.isInteger(n)) ||
            (opts.min !== undefined && n < opts.min) ||
            (opts.max !== undefined && n > opts.max)
        ) {
            this.problem(`${key} "${value}" must be ${integer ? "an integer" : "a number"}${range} (default ${opts.default})`);
            return opts.default;
        }
        return n;
    }

    boolean(key: string, defaultValue: boolean): boolean {
        this.read.add(key);
        const value = this.raw[key];
        if (value === undefined || value === "") return defaultValue;
        if (value === "true" || value === "false") return value === "true";
        this.problem(`${key} "${value}" must be true or false (default ${defaultValue})`);
        return defaultValue;
    }

    /** A structured value (YAML object or list in the stack file, JSON in the raw map). */
    json(key: string): unknown {
        this.read.add(key);
        const value = this.raw[key];
        if (value === undefined || value === "") return undefined;
        try {
            return JSON.parse(value);
        } catch {
            this.problem(`${key} is not valid structured config (expected a YAML object or list): ${value.slice(0, 60)}`);
            return undefined;
        }
    }

    stringList(key: string, defaultValue: readonly string[], item?: { pattern: RegExp; describe: string }): string[] {
        const value = this.json(key);
        if (value === undefined) return [...defaultValue];
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            this.problem(`${key} must be a list of strings, e.g. [${defaultValue.slice(0, 2).map((v) => `"${v}"`).join(", ")}]`);
            return [...defaultValue];
        }
        if (item) {
            for (const v of value as string[]) {
                if (!item.pattern.test(v)) this.problem(`${key} entry "${v}" is not ${item.describe}`);
            }
        }
        return value as string[];
    }

    /** Keys in `namespace` that no parser asked for: almost always typos. */
    unreadKeys(namespace: string): string[] {
        return Object.keys(this.raw)
            .filter((k) => k.startsWith(`${namespace}:`) && !this.read.has(k))
            .sort();
    }

    knownKeys(namespace: string): string[] {
        return [...this.read].filter((k) => k.startsWith(`${namespace}:`)).sort();
    }
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length];
}
