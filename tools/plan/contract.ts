/**
 * The `.plan/<stack>.json` contract (DESIGN.md §3). Other tools read these files, so the shapes
 * here change only additively.
 */

/** One resource as the engine would have received it from `RegisterResource`. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    /** The provider reference (`<provider urn>::<id>`) the resource was registered with, if any. */
    readonly provider: string | null;
    readonly custom: boolean;
    readonly protect: boolean;
    /** Inputs as plain JSON; secrets are written as "[secret]". */
    readonly inputs: Record<string, unknown>;
    /** Per input property, the URNs of the resources its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
    /** Every resource this one depends on (union of the above and `dependsOn`). */
    readonly dependencies: string[];
    /** The `ignoreChanges` option: inputs a later `up` leaves alone (absent when none). */
    readonly ignoreChanges?: string[];
    /** The `replaceOnChanges` option: input paths whose change replaces the resource (absent when none). */
    readonly replaceOnChanges?: string[];
    /** The `aliases` option, as URNs: earlier identities of this resource (absent when none). */
    readonly aliases?: string[];
    /** The `retainOnDelete` option: removing the resource from the program leaves it in AWS (absent when false). */
    readonly retainOnDelete?: true;
    /** The `import` option: the id of an existing resource the engine adopts instead of creating one (absent when none). */
    readonly import?: string;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyDiagnostic {
    readonly policy: string;
    readonly level: EnforcementLevel;
    /** The resource the violation is about; null for stack-level findings without one. */
    readonly urn: string | null;
    readonly message: string;
}

export interface PolicyReport {
    /** The pack's name, or null when no pack was found in `policy/`. */
    readonly pack: string | null;
    readonly version?: string;
    /** Why the pack did not run, when it did not. */
    readonly skipped?: string;
    /** Every policy the pack ran, at the level it ran at (after any override). */
    readonly policies?: { readonly name: string; readonly level: EnforcementLevel }[];
    readonly diagnostics: PolicyDiagnostic[];
    readonly durationMs?: number;
}

export interface StackPlan {
    readonly stack: string;
    readonly project: string;
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    readonly policy: PolicyReport;
}
