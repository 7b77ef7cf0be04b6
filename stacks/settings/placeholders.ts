/**
 * The shipped stack files carry placeholders (an RFC 2606 domain, the Pulumi org "organization",
 * the example GitOps repo) so that the offline plan runs out of the box. A real `pulumi preview` or
 * `pulumi up` must never get past them: each would create resources that cannot work (certificates
 * for a domain nobody can delegate, ArgoCD syncing a repo that does not exist, a secondary reading
 * another org's stack). The offline planner marks its own runs; every other run refuses them.
 * Pure: no Pulumi imports.
 */

/** Set to "1" by the offline planner (tools/plan/runner.ts) while it runs a stack under mocks. */
export const OFFLINE_PLAN_ENV = "MALL_OFFLINE_PLAN";

/** Whether this process is the offline planner (the mark in `env`, process.env by default). */
export function isOfflinePlan(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
    return env[OFFLINE_PLAN_ENV] === "1";
}

/** The Pulumi organization the shipped `mall:primaryStack` names; nobody owns it. */
export const PLACEHOLDER_ORG = "organization";

/** AWS's documentation example account id: the shipped `aws:allowedAccountIds` and the mocks' account. */
export const PLACEHOLDER_ACCOUNT_ID = "123456789012";

/** RFC 2606 second-level example domains: reserved, nobody can register or delegate them. */
const RESERVED_SLDS = ["example.com", "example.net", "example.org"] as const;
/** RFC 2606 / RFC 6761 reserved top-level names. */
const RESERVED_TLDS = ["example", "test", "invalid", "localhost"] as const;

/** Whether `domain` is (under) a name reserved by RFC 2606 / RFC 6761, so it can never be delegated. */
export function isReservedDomain(domain: string): boolean {
    const d = domain.toLowerCase().replace(/\.$/, "");
    if (RESERVED_SLDS.some((s) => d === s || d.endsWith(`.${s}`))) return true;
    const tld = d.split(".").pop() ?? "";
    return (RESERVED_TLDS as readonly string[]).includes(tld);
}
