/** Supply chain (S18): the platform's images, where each digest comes from, and the pin tool's registry protocol. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PLATFORM_IMAGES, ResolvedDigest, digestOf, pinnedImageValues, readDigests } from "../../components/common/images";
import { ADOT_IMAGE } from "../../components/observability/plan";
import { Fetch, FetchResponse, listing, parseChallenge, pinDigests, registryOf, resolveDigest } from "../../tools/pin-digests";

const CHARTS = path.join(__dirname, "..", "fixtures", "charts");
const D = (c: string) => `sha256:${c.repeat(64)}`;

function at(obj: unknown, dotted: string): Record<string, unknown> {
    return dotted.split(".").reduce((o, k) => (o as Record<string, unknown>)[k], obj) as Record<string, unknown>;
}

describe("platform images (components/common/images.ts)", () => {
    it("names exactly the image each pinned chart deploys (values.yaml, the tag defaulting to Chart.yaml's appVersion)", () => {
        for (const image of PLATFORM_IMAGES.filter((i) => i.id !== "adot-collector")) {
            const [chart, version] = image.chart.split(" ");
            const dir = path.join(CHARTS, `${chart}-${version}`);
            const values = parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8"));
            const appVersion = String(parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")).appVersion);
            const node = at(values, image.valuesPath);
            const repo = String(node.repository);
            const full = node.registry ? `${node.registry}/${repo}` : repo.includes(".") && repo.split("/")[0].includes(".") ? repo : `docker.io/${repo}`;
            assert.deepStrictEqual([full, String(node.tag || appVersion)], [image.image, image.tag], image.id);
            if (image.upstream) assert.strictEqual(node.digest, image.upstream.digest, image.id);
        }
        const adot = PLATFORM_IMAGES.find((i) => i.id === "adot-collector")!;
        assert.deepStrictEqual([adot.image, adot.tag], [ADOT_IMAGE.repository, ADOT_IMAGE.tag]);
    });

    it("pins Karpenter's controller by the digest upstream publishes; the rest run by tag until the digests file names them", () => {
        assert.strictEqual(digestOf("karpenter-controller", {}), "sha256:30a506c64fbb1d8026cbfd9a1d662be3ab6e33a7999290a104085d78b49a69d7");
        assert.deepStrictEqual(readDigests(), {}, "the shipped image-digests.json is empty until tools/pin-digests.ts runs with network access");
        assert.deepStrictEqual(pinnedImageValues(["keda", "argocd", "karpenter-controller"], {}), {});
    });

    it("turns resolved digests into the chart values that pull by digest: tag@digest, or the chart's digest field", () => {
        const digests: Record<string, ResolvedDigest> = Object.fromEntries(
            PLATFORM_IMAGES.filter((i) => !i.upstream).map((i, n) => [i.id, { digest: D(String(n)), resolvedAt: "2026-11-28T00:00:00.000Z", reference: `${i.image}:${i.tag}` }]),
        );
        assert.deepStrictEqual(pinnedImageValues(["keda", "keda-metrics-apiserver", "keda-admission-webhooks"], digests), {
            image: { keda: { tag: `2.18.1@${D("0")}` }, metricsApiServer: { tag: `2.18.1@${D("1")}` }, webhooks: { tag: `2.18.1@${D("2")}` } },
        });
        assert.deepStrictEqual(pinnedImageValues(["argocd", "argocd-redis"], digests), { global: { image: { tag: `v3.2.0@${D("3")}` } }, redis: { image: { tag: `8.2.2-alpine@${D("4")}` } } });
        assert.deepStrictEqual(pinnedImageValues(["adot-collector"], digests, true), { image: { digest: D("6") } });
        assert.deepStrictEqual(pinnedImageValues(["karpenter-controller"], digests), {}, "upstream pins it already");
    });

    it("refuses a digests file naming an unknown image, a stale tag or a malformed digest, with the fix", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "digests-")), "d.json");
        const write = (o: unknown) => fs.writeFileSync(file, JSON.stringify(o));
        write({ nginx: { digest: D("a"), resolvedAt: "x", reference: "nginx:1" } });
        assert.throws(() => readDigests(file), /"nginx" is not a platform image .*rerun tools\/pin-digests\.ts/);
        write({ keda: { digest: D("a"), resolvedAt: "x", reference: "ghcr.io/kedacore/keda:2.17.0" } });
        assert.throws(() => readDigests(file), /keda was resolved for ghcr\.io\/kedacore\/keda:2\.17\.0, but the platform runs ghcr\.io\/kedacore\/keda:2\.18\.1; rerun/);
        write({ keda: { digest: "sha256:abc", resolvedAt: "x", reference: "ghcr.io/kedacore/keda:2.18.1" } });
        assert.throws(() => readDigests(file), /digest "sha256:abc" is not sha256:<64 hex>/);
    });
});

/** A registry that demands an anonymous bearer token, like ghcr.io, quay.io and public.ecr.aws. */
function fakeRegistry(digests: Record<string, string>): { fetch: Fetch; calls: string[] } {
    const calls: string[] = [];
    const res = (status: number, headers: Record<string, string> = {}, body: unknown = {}): FetchResponse => ({
        status,
        headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
        json: async () => body,
    });
    const fetch: Fetch = async (url, init) => {
        calls.push(`${init?.method ?? "GET"} ${url}${init?.headers?.Authorization ? " (bearer)" : ""}`);
        const token = /^https:\/\/auth\.example\/token\?service=registry&scope=repository%3A(.+)%3Apull$/.exec(url);
        if (token) return res(200, {}, { token: `t-${decodeURIComponent(token[1])}` });
        const m = /^https:\/\/([^/]+)\/v2\/(.+)\/manifests\/(.+)$/.exec(url)!;
        if (!init?.headers?.Authorization) return res(401, { "www-authenticate": `Bearer realm="https://auth.example/token",service="registry",scope="repository:${m[2]}:pull"` });
        const digest = digests[`${m[1]}/${m[2]}:${m[3]}`];
        return digest ? res(200, { "docker-content-digest": digest }) : res(404);
    };
    return { fetch, calls };
}

describe("tools/pin-digests.ts: the OCI distribution protocol", () => {
    it("maps references to registry hosts (Docker Hub's API host and library/ for official images)", () => {
        assert.deepStrictEqual(registryOf("docker.io/grafana/tempo"), { host: "registry-1.docker.io", name: "grafana/tempo" });
        assert.deepStrictEqual(registryOf("redis"), { host: "registry-1.docker.io", name: "library/redis" });
        assert.deepStrictEqual(registryOf("public.ecr.aws/eks/aws-load-balancer-controller"), { host: "public.ecr.aws", name: "eks/aws-load-balancer-controller" });
        assert.deepStrictEqual(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:kedacore/keda:pull"'), {
            realm: "https://ghcr.io/token",
            service: "ghcr.io",
            scope: "repository:kedacore/keda:pull",
        });
        assert.throws(() => parseChallenge('Basic realm="x"'), /unsupported registry challenge/);
    });

    it("answers the 401 challenge with an anonymous token, then reads Docker-Content-Digest of the index", async () => {
        const { fetch, calls } = fakeRegistry({ "ghcr.io/kedacore/keda:2.18.1": D("b") });
        assert.strictEqual(await resolveDigest("ghcr.io/kedacore/keda", "2.18.1", fetch), D("b"));
        assert.deepStrictEqual(calls, [
            "HEAD https://ghcr.io/v2/kedacore/keda/manifests/2.18.1",
            "GET https://auth.example/token?service=registry&scope=repository%3Akedacore%2Fkeda%3Apull",
            "HEAD https://ghcr.io/v2/kedacore/keda/manifests/2.18.1 (bearer)",
        ]);
        await assert.rejects(resolveDigest("ghcr.io/kedacore/keda", "9.9.9", fetch), /answered 404 \(no such tag\)/);
    });

    it("resolves every image upstream does not pin, and lists which still run by tag", async () => {
        const all = Object.fromEntries(PLATFORM_IMAGES.map((i) => {
            const r = registryOf(i.image);
            return [`${r.host}/${r.name}:${i.tag}`, D("c")];
        }));
        const digests = await pinDigests(fakeRegistry(all).fetch, new Date("2026-11-28T00:00:00Z"));
        assert.deepStrictEqual(Object.keys(digests), PLATFORM_IMAGES.filter((i) => !i.upstream).map((i) => i.id).sort());
        assert.deepStrictEqual(digests.tempo, { digest: D("c"), resolvedAt: "2026-11-28T00:00:00.000Z", reference: "docker.io/grafana/tempo:2.5.0" });
        assert.ok(listing({}).filter((l) => l.includes("BY TAG")).length === PLATFORM_IMAGES.length - 1);
        assert.ok(listing(digests).every((l) => !l.includes("BY TAG")));
    });
});
