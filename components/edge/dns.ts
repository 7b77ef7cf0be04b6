/** DNS building blocks shared by EdgeStack and RegionalIngress. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * One ACM validation CNAME for `domainName` of `certificate`, in the zone. It may overwrite: ACM
 * gives the same CNAME per name and account, so a pre-existing zone (mall:hostedZoneId) that ever
 * validated a certificate for the name already holds it, and a plain create would fail with
 * "already exists" (hashicorp/terraform-provider-aws#13653).
 */
export function validationRecord(
    name: string,
    certificate: aws.acm.Certificate,
    domainName: string,
    zoneId: pulumi.Input<string>,
    parent: pulumi.Resource,
): aws.route53.Record {
    const option = certificate.domainValidationOptions.apply((all) => {
        const found = all.find((o) => o.domainName === domainName);
        if (!found) throw new Error(`ACM returned no validation option for ${domainName} (have: ${all.map((o) => o.domainName).join(", ")})`);
        return found;
    });
    return new aws.route53.Record(
        name,
        {
            zoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 60,
            allowOverwrite: true,
        },
        { parent },
    );
}
