/**
 * IPv4 CIDR arithmetic on plain numbers. Pure: imports nothing from Pulumi or AWS, so the subnet
 * planner and config validation share it. The policy pack keeps its own (policy/lib/cidr.ts) on
 * purpose: the judge shares no code with what it judges.
 */
import * as ipaddr from "ipaddr.js";

export interface Cidr {
    /** Network address as an unsigned 32-bit number. */
    readonly base: number;
    readonly prefix: number;
}

/** Parses "a.b.c.d/n"; returns undefined for anything that is not an IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
    if (typeof text !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) {
        return undefined;
    }
    try {
        const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
        const base = addr.toByteArray().reduce((acc, b) => acc * 256 + b, 0);
        return { base, prefix };
    } catch {
        return undefined;
    }
}

export function size(c: Cidr): number {
    return 2 ** (32 - c.prefix);
}

/** True when the address has no bits set below the prefix (10.1.0.0/16, not 10.1.5.0/16). */
export function isNetworkAddress(c: Cidr): boolean {
    return c.base % size(c) === 0;
}

/** The network this address belongs to (10.1.5.0/16 -> 10.1.0.0/16). */
export function networkOf(c: Cidr): Cidr {
    return { base: c.base - (c.base % size(c)), prefix: c.prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${Math.floor(b / 2 ** 24) % 256}.${Math.floor(b / 2 ** 16) % 256}.${Math.floor(b / 2 ** 8) % 256}.${b % 256}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** The `index`-th block of prefix `prefix` inside `parent` (parent 10.0.0.0/16, /20, 3 -> 10.0.48.0/20). */
export function nthSubnet(parent: Cidr, prefix: number, index: number): Cidr {
    const blocks = 2 ** (prefix - parent.prefix);
    if (prefix < parent.prefix || index < 0 || index >= blocks) {
        throw new RangeError(`block ${index} of /${prefix} does not fit in ${formatCidr(parent)}`);
    }
    return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}
