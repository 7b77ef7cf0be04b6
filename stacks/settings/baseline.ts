/**
 * `mall:accountBaseline`: which account-wide singletons THIS stack creates. Some AWS resources
 * exist once per account (IAM is global; some settings are per account and region), so exactly
 * one stack may own each: a second create fails ("has been taken", "already exists"), or two
 * stacks overwrite each other. By default the primary stack creates every account-wide singleton
 * and secondaries none (deploy order: primary first), and every stack creates its own region's
 * account-region singletons (one stack per region). Set a sub-key to `false` when the singleton
 * already exists or another stack or tool owns it, e.g. the second environment in a shared account.
 *
 * Adding a singleton (Backup region settings, Security Hub, GuardDuty, …): add a key to
 * ACCOUNT_SINGLETONS with one sentence on what it is, read it from `AccountBaseline` where the
 * resource is declared, and describe it in docs/data.md; the reader, the did-you-mean and the
 * README follow.
 */
import { ConfigReader, editDistance } from "./reader";
import { RegionRole } from "./registry";

export const ACCOUNT_BASELINE_KEY = "mall:accountBaseline";

/** Every account-wide singleton the program can create, with what it is (for messages and docs). */
export const ACCOUNT_SINGLETONS = {
    openSearchServiceLinkedRole: {
        what: "the IAM service-linked role AWSServiceRoleForAmazonOpenSearchService, which OpenSearch needs before it can create a VPC domain",
        scope: "account",
    },
    backupRegionSettings: { what: "this region's AWS Backup settings (every resource type opted in), one per account and region", scope: "region" },
    guardDuty: { what: "this region's GuardDuty detector and its protections (one detector per account and region; an organisation's delegated administrator may own it)", scope: "region" },
    securityHub: { what: "Security Hub CSPM in this region with the AWS Foundational Security Best Practices standard (one per account and region)", scope: "region" },
    configRecorder: { what: "this region's AWS Config recorder and delivery channel (one of each per account and region)", scope: "region" },
    cloudTrail: { what: "the multi-region CloudTrail trail with its Object Lock bucket (an organisation trail may already record the account)", scope: "account" },
    securityHubAggregator: { what: "the Security Hub finding aggregator in the primary's region, linking the other regions (one per account)", scope: "account" },
} as const satisfies Record<string, { readonly what: string; readonly scope: "account" | "region" }>;

/** Exists once per account and region: each region's stack owns its own (the others once per account). */
const perRegion = (n: AccountSingleton) => ACCOUNT_SINGLETONS[n].scope === "region";

export type AccountSingleton = keyof typeof ACCOUNT_SINGLETONS;
/** Per singleton: whether this stack creates it. */
export type AccountBaseline = Readonly<Record<AccountSingleton, boolean>>;

const NAMES = Object.keys(ACCOUNT_SINGLETONS) as AccountSingleton[];

/** The default for a stack of `role`: the primary creates every account-wide singleton, every stack its region's. */
export function defaultBaseline(role: RegionRole | undefined): AccountBaseline {
    return Object.fromEntries(NAMES.map((n) => [n, perRegion(n) || role === "primary"])) as Record<AccountSingleton, boolean>;
}

export function readAccountBaseline(r: ConfigReader, role: RegionRole | undefined): AccountBaseline {
    const key = ACCOUNT_BASELINE_KEY;
    const raw = r.json(key, {
        default: `the primary creates ${NAMES.filter((n) => !perRegion(n)).map((n) => `\`${n}\``).join(", ")}; every stack creates its region's ${NAMES.filter(perRegion).map((n) => `\`${n}\``).join(", ")}`,
    });
    const out: Record<AccountSingleton, boolean> = { ...defaultBaseline(role) };
    if (raw === undefined) return out;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        r.problem(`${key} must be a map of account-wide singleton to true/false (whether this stack creates it), e.g. { ${NAMES[0]}: false }; singletons: ${NAMES.join(", ")}`);
        return out;
    }
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!(NAMES as string[]).includes(name)) {
            const close = NAMES.filter((n) => editDistance(n.toLowerCase(), name.toLowerCase()) <= 4);
            r.problem(`${key}.${name} is not an account-wide singleton of this program${close.length ? `; did you mean ${close.join(" or ")}?` : ""} (known: ${NAMES.join(", ")})`);
        } else if (typeof value !== "boolean") {
            r.problem(`${key}.${name} ${JSON.stringify(value)} must be true (this stack creates ${ACCOUNT_SINGLETONS[name as AccountSingleton].what}) or false (it exists already or another stack owns it)`);
        } else {
            out[name as AccountSingleton] = value;
        }
    }
    return out;
}
