/**
 * `npx ts-node --transpile-only tools/pin-digests.ts [--list]`: resolves the tag of every platform
 * image (components/common/images.ts) that upstream does not pin to the digest its registry
 * serves today, and writes components/common/image-digests.json; the program then pulls those
 * images by digest. Run it on a machine with network access, review the diff (a digest that
 * changed for the same tag means the tag was moved), commit, and let the plan show the values it
 * changes. `--list` prints what is pinned and what still runs by tag, without the network.
 *
 * The registry protocol is the OCI distribution API: HEAD /v2/<name>/manifests/<tag> with the
 * index and manifest media types; on 401 the `WWW-Authenticate: Bearer realm=…,service=…,scope=…`
 * challenge names the token endpoint (anonymous for these public images); the digest is the
 * `Docker-Content-Digest` header (of the multi-architecture index, which is what a node pulls).
 * Exit codes: 0 written (or listed), 1 a registry refused or answered without a digest, 2 usage.
 */
import * as fs from "fs";
import { DIGEST, DIGESTS_FILE, PLATFORM_IMAGES, ResolvedDigest, readDigests } from "../components/common/images";

export interface FetchResponse {
    readonly status: number;
    readonly headers: { get(name: string): string | null };
    json(): Promise<unknown>;
}
export type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<FetchResponse>;

const ACCEPT = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** `docker.io/grafana/tempo` → registry-1.docker.io and `grafana/tempo` (Docker Hub's API host; `library/` for official images). */
export function registryOf(image: string): { host: string; name: string } {
    const [first, ...rest] = image.split("/");
    if (rest.length === 0 || !/[.:]/.test(first)) return { host: "registry-1.docker.io", name: rest.length === 0 ? `library/${first}` : image };
    if (first === "docker.io") return { host: "registry-1.docker.io", name: rest.length === 1 ? `library/${rest[0]}` : rest.join("/") };
    return { host: first, name: rest.join("/") };
}

/** `Bearer realm="https://…",service="…",scope="…"` → its parameters. */
export function parseChallenge(header: string): { realm: string; service?: string; scope?: string } {
    if (!/^Bearer\s/i.test(header)) throw new Error(`unsupported registry challenge "${header}" (expected Bearer)`);
    const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) throw new Error(`registry challenge without a realm: "${header}"`);
    return { realm: params.realm, service: params.service, scope: params.scope };
}

/** The digest the registry serves for `image:tag` today. */
export async function resolveDigest(image: string, tag: string, fetch: Fetch): Promise<string> {
    const { host, name } = registryOf(image);
    const url = `https://${host}/v2/${name}/manifests/${tag}`;
    let res = await fetch(url, { method: "HEAD", headers: { Accept: ACCEPT } });
    if (res.status === 401) {
        const challenge = parseChallenge(res.headers.get("www-authenticate") ?? "");
        const query = [challenge.service && `service=${encodeURIComponent(challenge.service)}`, `scope=${encodeURIComponent(challenge.scope ?? `repository:${name}:pull`)}`].filter(Boolean).join("&");
        const tokenRes = await fetch(`${challenge.realm}?${query}`);
        if (tokenRes.status !== 200) throw new Error(`${image}:${tag}: the token endpoint ${challenge.realm} answered ${tokenRes.status}`);
        const body = (await tokenRes.json()) as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!token) throw new Error(`${image}:${tag}: the token endpoint ${challenge.realm} gave no token`);
        res = await fetch(url, { method: "HEAD", headers: { Accept: ACCEPT, Authorization: `Bearer ${token}` } });
    }
    if (res.status !== 200) throw new Error(`${image}:${tag}: ${url} answered ${res.status}${res.status === 404 ? " (no such tag)" : ""}`);
    const digest = res.headers.get("docker-content-digest") ?? "";
    if (!DIGEST.test(digest)) throw new Error(`${image}:${tag}: ${url} gave no sha256 Docker-Content-Digest ("${digest}")`);
    return digest;
}

/** Resolves every image upstream does not pin; the file's entries, sorted by id. */
export async function pinDigests(fetch: Fetch, now = new Date()): Promise<Record<string, ResolvedDigest>> {
    const out: Record<string, ResolvedDigest> = {};
    for (const image of PLATFORM_IMAGES.filter((i) => !i.upstream)) {
        out[image.id] = { digest: await resolveDigest(image.image, image.tag, fetch), resolvedAt: now.toISOString(), reference: `${image.image}:${image.tag}` };
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One line per platform image: how it is pinned. */
export function listing(digests: Record<string, ResolvedDigest>): string[] {
    return PLATFORM_IMAGES.map((i) => {
        const how = i.upstream ? `digest ${i.upstream.digest} (upstream: ${i.upstream.source})` : digests[i.id] ? `digest ${digests[i.id].digest} (resolved ${digests[i.id].resolvedAt})` : "BY TAG (run tools/pin-digests.ts)";
        return `${i.id.padEnd(30)} ${`${i.image}:${i.tag}`.padEnd(62)} ${how}`;
    });
}

async function main(argv: string[]): Promise<number> {
    if (argv.some((a) => a !== "--list")) {
        console.error("usage: npx ts-node --transpile-only tools/pin-digests.ts [--list]");
        return 2;
    }
    if (argv.includes("--list")) {
        for (const line of listing(readDigests())) console.log(line);
        return 0;
    }
    try {
        const digests = await pinDigests(globalThis.fetch as unknown as Fetch);
        fs.writeFileSync(DIGESTS_FILE, `${JSON.stringify(digests, null, 2)}\n`);
        for (const line of listing(digests)) console.log(line);
        console.log(`Wrote ${DIGESTS_FILE}: review the diff (a changed digest for the same tag means the tag moved), then commit.`);
        return 0;
    } catch (e) {
        console.error(`pin-digests: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => process.exit(code));
