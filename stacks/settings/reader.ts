/**
 * Typed, validating access to a stack's raw config (the `PULUMI_CONFIG` map: "ns:key" -> string,
 * structured values as JSON). Every problem is collected, never thrown one at a time, so a user
 * fixes a broken stack file in one pass. Pure: no Pulumi imports, the tests and the offline plan
 * feed it plain maps.
 */

/** A stack's config as the engine passes it: "ns:key" -> string, structured values as JSON. */
export type RawConfig = Readonly<Record<string, string>>;

/** Every problem of one stack's config, thrown once before any resource exists. */
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

/** The shape of a config value, as its reader parses it. */
export type ConfigKind = "string" | "number" | "boolean" | "list" | "object";

/**
 * What a reader declared about one key when it read it. Recorded so the README's configuration
 * table (stacks/settings/docs.ts, tools/readme-block.ts) takes each default from the code that
 * applies it, instead of a hand-copied figure that drifts.
 */
export interface KeyRead {
    readonly kind: ConfigKind;
    /** The stack must set it (a missing value is a problem). */
    readonly required: boolean;
    /**
     * The value used when the key is unset; for "object" keys the caller's description of it.
     * Undefined (or "") when unset means "absent". Some defaults depend on other keys (e.g.
     * mall:natGateways = mall:azCount): this is the one used for the config being read.
     */
    readonly default?: string | number | boolean | readonly string[];
}

/** How a caller of `json()` declares the default of a structured key it reads. */
export type JsonDefault = { readonly default: string } | { readonly required: true };

/** Options of `ConfigReader.number`. */
export interface NumberOptions {
    readonly default: number;
    readonly min?: number;
    readonly max?: number;
    readonly integer?: boolean;
}

/**
 * Reads one stack's raw config. Besides the values it keeps the problems found and, per key read,
 * its kind and default (`reads`), which document the configuration.
 */
export class ConfigReader {
    /** Every problem found so far, in the order found. */
    readonly problems: string[] = [];
    private readonly read = new Set<string>();
    private readonly declared = new Map<string, KeyRead>();

    /** @param raw the engine's config map ("ns:key" -> string, structured values as JSON) */
    constructor(
        readonly stack: string,
        private readonly raw: RawConfig,
    ) {}

    /** The keys read through a typed getter, with their kind and default, in reading order. */
    get reads(): ReadonlyMap<string, KeyRead> {
        return this.declared;
    }

    /** Whether `key` is set; counts as reading it (so it is not reported as unknown). */
    has(key: string): boolean {
        this.read.add(key);
        return this.raw[key] !== undefined;
    }

    /** Records one more problem; they are reported together by the caller. */
    problem(message: string): void {
        this.problems.push(message);
    }

    /** A string; `required` is the hint printed when it is missing. */
    string(key: string): string | undefined;
    string(key: string, opts: { default: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string }): string;
    string(key: string, opts: { required: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string }): string;
    string(key: string, opts: { default?: string; required?: string; allowed?: readonly string[]; pattern?: RegExp; describe?: string } = {}): string | undefined {
        this.declare(key, { kind: "string", required: opts.required !== undefined, default: opts.default });
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

    /** A number within the options' bounds (an integer unless `integer: false`). */
    number(key: string, opts: NumberOptions): number {
        this.declare(key, { kind: "number", required: false, default: opts.default });
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

    /** `true` or `false`. */
    boolean(key: string, defaultValue: boolean): boolean {
        this.declare(key, { kind: "boolean", required: false, default: defaultValue });
        const value = this.raw[key];
        if (value === undefined || value === "") return defaultValue;
        if (value === "true" || value === "false") return value === "true";
        this.problem(`${key} "${value}" must be true or false (default ${defaultValue})`);
        return defaultValue;
    }

    /**
     * A structured value (YAML object or list in the stack file, JSON in the raw map), undefined
     * when unset. The caller validates it, so only the caller can say what applies when it is
     * unset: `doc` says that (a description) or that the key is required.
     */
    json(key: string, doc: JsonDefault): unknown {
        this.declare(key, "required" in doc ? { kind: "object", required: true } : { kind: "object", required: false, default: doc.default });
        return this.parse(key);
    }

    private parse(key: string): unknown {
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

    /** A list of strings, each matching `item.pattern` when given. */
    stringList(key: string, defaultValue: readonly string[], item?: { pattern: RegExp; describe: string }): string[] {
        this.declare(key, { kind: "list", required: false, default: [...defaultValue] });
        const value = this.parse(key);
        if (value === undefined) return [...defaultValue];
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            const example = defaultValue.length > 0 ? defaultValue.slice(0, 2) : [`<${item?.describe ?? "value"}>`];
            this.problem(`${key} must be a list of strings, e.g. [${example.map((v) => `"${v}"`).join(", ")}]`);
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

    /** Every key of the stack's config in `namespace`, read or not. */
    keysIn(namespace: string): string[] {
        return Object.keys(this.raw).filter((k) => k.startsWith(`${namespace}:`)).sort();
    }

    /** Keys in `namespace` some parser asked for: the "did you mean" candidates. */
    knownKeys(namespace: string): string[] {
        return [...this.read].filter((k) => k.startsWith(`${namespace}:`)).sort();
    }

    private declare(key: string, read: KeyRead): void {
        this.read.add(key);
        this.declared.set(key, read);
    }
}

/** Up to three of `known` within `maxDistance` edits of `key`, closest first: a misspelling's likely meaning. */
export function closest(key: string, known: readonly string[], maxDistance = 3): string[] {
    return known
        .map((k) => [k, editDistance(k, key)] as const)
        .filter(([, d]) => d <= maxDistance)
        .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
        .slice(0, 3)
        .map(([k]) => k);
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

/** `{ [key]: value }` when the value is set, else nothing (an unset optional stays absent, not undefined). */
export function optional<K extends string>(key: K, value: string): Partial<Record<K, string>> {
    return value ? ({ [key]: value } as Record<K, string>) : {};
}
