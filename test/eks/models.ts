/**
 * The `@kubernetes-models/*` packages are ESM-only (exports carry only the "import" condition) while
 * the tests run as CommonJS: TypeScript would compile `import()` to `require()`, so the import goes
 * through `Function` to stay a real dynamic import.
 */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

interface Validatable {
    validate(): void;
    toJSON(): unknown;
}
type ModelClass = new (data: unknown) => Validatable;

async function model(specifier: string, name: string): Promise<ModelClass> {
    const mod = await importEsm(specifier);
    return mod[name] as ModelClass;
}

export async function loadModels() {
    return {
        NodePool: await model("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool", "NodePool"),
        EC2NodeClass: await model("@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass", "EC2NodeClass"),
        Application: await model("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application", "Application"),
    };
}

/** Validates `data` against the model's CRD schema; returns the error message, or undefined when valid. */
export function schemaError(Model: ModelClass, data: unknown): string | undefined {
    try {
        new Model(data).validate();
        return undefined;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
}
