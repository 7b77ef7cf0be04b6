/**
 * Policy evaluation benchmark: times `runPolicyPack` per stack, as the offline plan calls it.
 * Uses `.plan/<stack>.json` when the plan has been written, else synthesizes ~600 realistic
 * resources per stack (VPC tiers, security groups, keys per service, data stores, IAM, edge).
 *
 *   npx ts-node --transpile-only tools/bench-policy.ts [--resources 600] [--runs 3] [--preview]
 */
import * as fs from "fs";
import * as path from "path";
import { runPolicyPack } from "./analyzer";
import { PlannedResource, StackPlan } from "./plan/contract";

const ROOT = path.join(__dirname, "..");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SERVICES = ["product-catalog", "search", "cart", "order", "payment", "inventory", "user-account", "user-profile", "wishlist", "review",
    "shipping", "warehouse", "returns", "pricing", "recommendation", "notification", "seller", "api-gateway", "event-bus", "analytics"];
const REGISTRY = { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } };

function arg(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A synthetic stack shaped like the program's: every resource tagged, keys per service, deps wired. */
function synthesize(stack: string, target: number, preview: boolean): PlannedResource[] {
    const octet = stack === "us-east-1" ? 0 : 1;
    const out: PlannedResource[] = [];
    const mk = (type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}, protect = false, service = "platform"): string => {
        const u = `urn:pulumi:${stack}::mall::${type}::${name}`;
        out.push({
            urn: u, type, name, parent: null, provider: null, custom: true, protect,
            inputs: { tags: { service, region: stack }, ...inputs },
            propertyDependencies: deps, dependencies: [...new Set(Object.values(deps).flat())],
        });
        return u;
    };
    const id = (v: string) => (preview ? UNKNOWN : v);
    const vpc = mk("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: `10.${octet}.0.0/16` });
    for (let i = 0; i < 9; i++) mk("aws:ec2/subnet:Subnet", `subnet-${i}`, { cidrBlock: `10.${octet}.${i * 16}.0/20`, vpcId: id("vpc-1") }, { vpcId: [vpc] });
    let n = 0;
    while (out.length < target) {
        const svc = SERVICES[n % SERVICES.length];
        const k = `${svc}-${n}`;
        const key = mk("aws:kms/key:Key", `${k}-key`, { enableKeyRotation: true }, {}, true, svc);
        const sg = mk("aws:ec2/securityGroup:SecurityGroup", `${k}-sg`, { vpcId: id("vpc-1"), ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [`10.${octet}.0.0/16`] }] }, { vpcId: [vpc] }, false, svc);
        mk("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${k}-in`, { securityGroupId: id("sg-1"), ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: `10.${octet}.48.0/20` }, { securityGroupId: [sg] }, false, svc);
        mk("aws:sqs/queue:Queue", `${k}-queue`, { kmsMasterKeyId: id("arn:aws:kms:key"), }, { kmsMasterKeyId: [key] }, false, svc);
        mk("aws:cloudwatch/logGroup:LogGroup", `${k}-logs`, { kmsKeyId: id("arn:aws:kms:key"), retentionInDays: 30 }, { kmsKeyId: [key] }, false, svc);
        mk("aws:rds/cluster:Cluster", `${k}-db`, { storageEncrypted: true, kmsKeyId: id("arn:aws:kms:key"), deletionProtection: true, backupRetentionPeriod: 35, finalSnapshotIdentifier: `${k}-final` }, { kmsKeyId: [key] }, true, svc);
        const role = mk("aws:iam/role:Role", `${k}-role`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "oidc" }, Action: "sts:AssumeRoleWithWebIdentity" }] }) }, {}, false, svc);
        mk("aws:iam/rolePolicy:RolePolicy", `${k}-policy`, { role: id("role"), policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:*:*:x" }] }) }, { role: [role] }, false, svc);
        const bucket = mk("aws:s3/bucket:Bucket", `${k}-bucket`, { bucket: `mall-${k}` }, {}, true, svc);
        mk("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${k}-pab`, { bucket: id(`mall-${k}`), blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { bucket: [bucket] }, false, svc);
        n++;
    }
    return out;
}

async function main() {
    const target = arg("resources", 600);
    const runs = arg("runs", 3);
    const preview = process.argv.includes("--preview");
    const planDir = path.join(ROOT, ".plan");
    const stacks: { stack: string; resources: PlannedResource[]; source: string }[] = [];
    for (const stack of ["us-east-1", "us-west-2"]) {
        const file = path.join(planDir, `${stack}.json`);
        if (fs.existsSync(file)) {
            const plan = JSON.parse(fs.readFileSync(file, "utf8")) as StackPlan;
            stacks.push({ stack, resources: plan.resources, source: file });
        } else {
            stacks.push({ stack, resources: synthesize(stack, target, preview), source: `synthetic${preview ? " (preview unknowns)" : ""}` });
        }
    }
    console.log(`policy pack benchmark: ${runs} run(s) per stack, one pack process per run`);
    for (const s of stacks) {
        const times: number[] = [];
        let counts = "";
        for (let i = 0; i < runs; i++) {
            const t0 = Date.now();
            const report = await runPolicyPack({
                packDir: path.join(ROOT, "policy"), project: "mall", stack: s.stack,
                config: { "aws:region": s.stack, "mall:regions": JSON.stringify(REGISTRY) },
                resources: s.resources, dryRun: preview,
            });
            times.push(Date.now() - t0);
            const by = new Map<string, number>();
            for (const d of report.diagnostics) by.set(`${d.policy}/${d.level}`, (by.get(`${d.policy}/${d.level}`) ?? 0) + 1);
            counts = [...by].map(([k, v]) => `${k} ${v}`).join(", ") || "none";
        }
        times.sort((a, b) => a - b);
        const median = times[Math.floor(times.length / 2)];
        console.log(`${s.stack}: ${s.resources.length} resources (${s.source}); wall ms min ${times[0]} median ${median} max ${times[times.length - 1]}; diagnostics: ${counts}`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
