/** Small constructors so every module declares policies the same way (DESIGN.md §5). */
import {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { ResourceView, StackResource, resourceView, stackResources } from "./props";

export interface ResourceCheck<C extends object> {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: PolicyConfigSchema;
    /** Resource types the checker applies to; aliased types share one checker. */
    readonly types: readonly string[];
    readonly check: (r: ResourceView, config: C, report: ReportViolation) => void;
}

export function resourcePolicy<C extends object = Record<string, never>>(p: ResourceCheck<C>): ResourceValidationPolicy {
    const types = new Set(p.types);
    return {
        name: p.name,
        description: p.description,
        enforcementLevel: p.enforcementLevel,
        configSchema: p.configSchema,
        validateResource: (args, report) => {
            if (!types.has(args.type)) return;
            p.check(resourceView(args), args.getConfig<C>(), report);
        },
    };
}

export interface StackCheck<C extends object> {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly configSchema?: PolicyConfigSchema;
    readonly check: (resources: StackResource[], config: C, report: ReportViolation) => void;
}

export function stackPolicy<C extends object = Record<string, never>>(p: StackCheck<C>): StackValidationPolicy {
    return {
        name: p.name,
        description: p.description,
        enforcementLevel: p.enforcementLevel,
        configSchema: p.configSchema,
        validateStack: (args, report) => p.check(stackResources(args.resources), args.getConfig<C>(), report),
    };
}

/** Index of a stack's resources by URN and by type. */
export class StackIndex {
    readonly byUrn = new Map<string, StackResource>();
    constructor(readonly resources: StackResource[]) {
        for (const r of resources) this.byUrn.set(r.urn, r);
    }
    ofType(...types: string[]): StackResource[] {
        const s = new Set(types);
        return this.resources.filter((r) => s.has(r.type));
    }
    /** The resources of the given types whose property `prop` depends on `target` (the reverse of `depsOf`). */
    dependents(target: StackResource, prop: string, ...types: string[]): StackResource[] {
        return this.ofType(...types).filter((r) => (r.deps[prop] ?? []).includes(target.urn));
    }
    /** The resources of the given types that property `prop` of `r` depends on. */
    depsOf(r: StackResource, prop: string, ...types: string[]): StackResource[] {
        const s = new Set(types);
        return (r.deps[prop] ?? []).map((u) => this.byUrn.get(u)).filter((d): d is StackResource => !!d && (s.size === 0 || s.has(d.type)));
    }
}
