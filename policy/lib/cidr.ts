/** CIDR math on BigInt intervals (ipaddr.js parses; the interval arithmetic is ours). */
import * as ipaddr from "ipaddr.js";

export interface Range {
    readonly family: 4 | 6;
    readonly start: bigint;
    readonly end: bigint;
    readonly cidr: string;
}

function toBigInt(bytes: number[]): bigint {
    let n = 0n;
    for (const b of bytes) n = (n << 8n) | BigInt(b);
    return n;
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; undefined when it is not a valid CIDR. */
export function parseCidr(cidr: string): Range | undefined {
    try {
        const [addr, prefix] = ipaddr.parseCIDR(cidr.trim());
        const bits = addr.kind() === "ipv4" ? 32 : 128;
        const host = BigInt(bits - prefix);
        const base = toBigInt(addr.toByteArray());
        const start = (base >> host) << host;
        const end = start + (1n << host) - 1n;
        return { family: addr.kind() === "ipv4" ? 4 : 6, start, end, cidr: cidr.trim() };
    } catch {
        return undefined;
    }
}

/**
 * The Transit Gateway ASN the program derives for a registry entry without `asn`: 64512 plus the
 * IPv4 CIDR's second octet (stacks/settings/registry.ts derivedTransitGatewayAsn; a test keeps
 * the two equal).
 */
export function derivedAsn(range: Range): number | undefined {
    return range.family === 4 ? 64512 + Number((range.start >> 16n) & 0xffn) : undefined;
}

export function overlaps(a: Range, b: Range): boolean {
    return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

export function contains(outer: Range, inner: Range): boolean {
    return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/** Whether the ranges of one family together cover its whole address space. */
export function coversAll(ranges: readonly Range[], family: 4 | 6): boolean {
    const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let next = 0n; // first address not yet covered
    for (const r of sorted) {
        if (r.start > next) return false;
        if (r.end + 1n > next) next = r.end + 1n;
        if (next > max) return true;
    }
    return false;
}
