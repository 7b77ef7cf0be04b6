/**
 * The writer directory: where a service finds the writer of a single-writer store (DocumentDB,
 * Valkey) that has no global endpoint (AWS: the DocumentDB GlobalCluster API and the ElastiCache
 * global datastore expose none; secondaries accept reads only). In every region an SSM parameter
 * per store and member region holds that member's endpoint:
 * `/<project>/writers/<store>/<member region>`. A service reads the path in its own region (no
 * cross-region call on the request path), tries the members in failover order and writes to the one
 * that reports itself writable (DocumentDB `hello.isWritablePrimary`, Valkey `ROLE` = master): a
 * switchover or failover needs no redeploy and no DNS change, and TLS keeps verifying the real
 * endpoint names (a CNAME would break hostname verification). docs/data.md "Write paths".
 *
 * Ownership follows the mesh (DESIGN §2): a stack publishes its own members in its own region and in
 * every earlier region, and the earlier regions' members in its own region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataScope, child, dataTags } from "./shared";
import { WRITER_REGION_STORES, WriterRegionStore, store as storeSpec } from "./plan";

/** `/<project>/writers/`: the directory's root (what the services' IAM grants are scoped under). */
export function directoryRoot(project: string): string {
    return `/${project}/writers/`;
}

/** `/<project>/writers/<store>/`: the path a service lists. */
export function directoryPath(project: string, store: WriterRegionStore): string {
    return `${directoryRoot(project)}${store}/`;
}

/** One store's member endpoints by region. */
export type MemberEndpoints = Readonly<Record<WriterRegionStore, pulumi.Input<string>>>;

export function buildWriterDirectory(scope: DataScope, own: MemberEndpoints, earlier: readonly { readonly region: string; readonly endpoints: MemberEndpoints }[]): aws.ssm.Parameter[] {
    const { ctx } = scope;
    const out: aws.ssm.Parameter[] = [];
    const publish = (store: WriterRegionStore, member: string, at: string, value: pulumi.Input<string>) =>
        out.push(
            new aws.ssm.Parameter(
                `${scope.name}-writers-${store}-${member}${at === ctx.region ? "" : `-at-${at}`}`,
                {
                    ...(at === ctx.region ? {} : { region: at }),
                    name: `${directoryPath(ctx.prefix, store)}${member}`,
                    type: "String",
                    tier: "Standard",
                    value,
                    description: `the ${store} member in ${member}: a writer candidate (writable when ${member} holds the writer)`,
                    tags: dataTags(scope, storeSpec(store).key, ["writers", store, member]),
                },
                child(scope),
            ),
        );
    for (const store of WRITER_REGION_STORES) {
        publish(store, ctx.region, ctx.region, own[store]);
        for (const e of earlier) {
            publish(store, ctx.region, e.region, own[store]);
            publish(store, e.region, ctx.region, e.endpoints[store]);
        }
    }
    return out;
}
