/**
 * The container images the platform itself runs (security S18: images by tag can change under a
 * pinned chart version). Each entry names the image its chart deploys at the pinned version (the
 * test reads the vendored chart's values.yaml and Chart.yaml, so the list cannot drift), and where
 * a digest comes from:
 *
 * - published upstream in the chart's own repository (Karpenter pins its controller by digest in
 *   values.yaml): recorded here with its source, nothing to set;
 * - resolved by `npx ts-node --transpile-only tools/pin-digests.ts` on a machine with network
 *   access, which writes `components/common/image-digests.json`: the program then sets the chart's
 *   value so the pod pulls `<repository>:<tag>@<digest>` (Kubernetes pulls by the digest).
 *
 * Images a chart runs that this list does not name (kube-prometheus-stack's, the Tempo chart's
 * side images) stay by tag: docs/security.md lists them.
 */
import * as fs from "fs";
import * as path from "path";

export interface PlatformImage {
    /** Stable id, the key in image-digests.json. */
    readonly id: string;
    /** Registry and repository, e.g. `public.ecr.aws/eks/aws-load-balancer-controller`. */
    readonly image: string;
    readonly tag: string;
    /** The chart (and version) that deploys it, and where its tag lives in the values. */
    readonly chart: string;
    readonly valuesPath: string;
    /** A digest upstream publishes, with where it was read. */
    readonly upstream?: { readonly digest: string; readonly source: string };
}

export const PLATFORM_IMAGES: readonly PlatformImage[] = [
    {
        id: "karpenter-controller",
        image: "public.ecr.aws/karpenter/controller",
        tag: "1.9.0",
        chart: "karpenter 1.9.0",
        valuesPath: "controller.image",
        upstream: { digest: "sha256:30a506c64fbb1d8026cbfd9a1d662be3ab6e33a7999290a104085d78b49a69d7", source: "aws/karpenter-provider-aws charts/karpenter/values.yaml at v1.9.0 (controller.image.digest; test/fixtures/charts/karpenter-1.9.0)" },
    },
    { id: "keda", image: "ghcr.io/kedacore/keda", tag: "2.18.1", chart: "keda 2.18.1", valuesPath: "image.keda" },
    { id: "keda-metrics-apiserver", image: "ghcr.io/kedacore/keda-metrics-apiserver", tag: "2.18.1", chart: "keda 2.18.1", valuesPath: "image.metricsApiServer" },
    { id: "keda-admission-webhooks", image: "ghcr.io/kedacore/keda-admission-webhooks", tag: "2.18.1", chart: "keda 2.18.1", valuesPath: "image.webhooks" },
    { id: "argocd", image: "quay.io/argoproj/argocd", tag: "v3.2.0", chart: "argo-cd 9.1.4", valuesPath: "global.image" },
    { id: "argocd-redis", image: "ecr-public.aws.com/docker/library/redis", tag: "8.2.2-alpine", chart: "argo-cd 9.1.4", valuesPath: "redis.image" },
    { id: "aws-load-balancer-controller", image: "public.ecr.aws/eks/aws-load-balancer-controller", tag: "v2.14.1", chart: "aws-load-balancer-controller 1.14.1", valuesPath: "image" },
    { id: "adot-collector", image: "public.ecr.aws/aws-observability/aws-otel-collector", tag: "v0.40.0", chart: "opentelemetry-collector 0.108.0 (the program sets the image)", valuesPath: "image" },
    { id: "tempo", image: "docker.io/grafana/tempo", tag: "2.5.0", chart: "tempo 1.10.1", valuesPath: "tempo" },
];

export const DIGESTS_FILE = path.join(__dirname, "image-digests.json");

/** A digest `tools/pin-digests.ts` resolved, with when and from where. */
export interface ResolvedDigest {
    readonly digest: string;
    readonly resolvedAt: string;
    readonly reference: string;
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** image-digests.json: id → the resolved digest of that image's pinned tag. */
export function readDigests(file = DIGESTS_FILE): Record<string, ResolvedDigest> {
    if (!fs.existsSync(file)) return {};
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, ResolvedDigest>;
    for (const [id, d] of Object.entries(raw)) {
        const image = PLATFORM_IMAGES.find((i) => i.id === id);
        if (!image) throw new Error(`${file}: "${id}" is not a platform image (components/common/images.ts); rerun tools/pin-digests.ts`);
        if (!DIGEST.test(d.digest)) throw new Error(`${file}: ${id} digest "${d.digest}" is not sha256:<64 hex>`);
        if (d.reference !== `${image.image}:${image.tag}`) {
            throw new Error(`${file}: ${id} was resolved for ${d.reference}, but the platform runs ${image.image}:${image.tag}; rerun tools/pin-digests.ts`);
        }
    }
    return raw;
}

/** The digest an image is pinned to (upstream's, else the resolved one), or undefined while it runs by tag. */
export function digestOf(id: string, digests: Record<string, ResolvedDigest> = readDigests()): string | undefined {
    const image = PLATFORM_IMAGES.find((i) => i.id === id);
    if (!image) throw new Error(`unknown platform image ${id}`);
    return image.upstream?.digest ?? digests[id]?.digest;
}

/**
 * The values that pin an image at `valuesPath` of its chart: `{ tag: "<tag>@<digest>" }` (the
 * reference Kubernetes then pulls by digest), or the chart's own `digest` field where it has one;
 * `{}` while the image runs by tag or its chart already pins it upstream.
 */
export function pinValues(id: string, digests: Record<string, ResolvedDigest> = readDigests(), digestField = false): Record<string, string> {
    const image = PLATFORM_IMAGES.find((i) => i.id === id)!;
    if (!image || image.upstream) return {};
    const digest = digests[id]?.digest;
    if (!digest) return {};
    return digestField ? { digest } : { tag: `${image.tag}@${digest}` };
}

/**
 * The chart values that pin the given images (by their `valuesPath`), nested, omitting images that
 * run by tag: merged into a release's values, it changes nothing until a digest is known.
 */
export function pinnedImageValues(ids: readonly string[], digests: Record<string, ResolvedDigest> = readDigests(), digestField = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const id of ids) {
        const values = pinValues(id, digests, digestField);
        if (Object.keys(values).length === 0) continue;
        const keys = PLATFORM_IMAGES.find((i) => i.id === id)!.valuesPath.split(".");
        let node = out;
        for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
        node[keys[keys.length - 1]] = { ...((node[keys[keys.length - 1]] as Record<string, unknown>) ?? {}), ...values };
    }
    return out;
}

/** Deep merge of plain values (b wins), for a release's values and its image pins. */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
        const prev = out[k];
        out[k] = prev && typeof prev === "object" && !Array.isArray(prev) && v && typeof v === "object" && !Array.isArray(v) ? mergeValues(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
    }
    return out;
}
