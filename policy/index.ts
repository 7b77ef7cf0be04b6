/** The mall's CrossGuard pack: constructs the PolicyPack from the domain modules and nothing else. */
import { PolicyPack } from "@pulumi/policy";
import { auditLogging } from "./audit";
import { drNotificationsSubscribed } from "./dr";
import { cloudfrontSecureViewers, latencyRecordsHaveHealthChecks, lbListenersTls, publicOriginsVerifyDistribution } from "./edge";
import { eksClusterHardened } from "./eks";
import { encryptionInTransitAndAtRest, kmsKeyRotation, perServiceKmsKeys } from "./encryption";
import { noPublicResourcePolicies, trustedAssumeRolePolicies } from "./exposure";
import { leastPrivilegeIam } from "./iam";
import { noWorldOpenIngress, nonOverlappingCidrs } from "./network";
import { nodesHardened } from "./nodes";
import { nothingLost } from "./resilience";
import { s3PublicAccessBlocked, s3TlsOnly } from "./storage";
import { costAllocationTags } from "./tagging";
import { versionsPinned } from "./versions";

new PolicyPack("mall-guardrails", {
    policies: [
        noWorldOpenIngress,
        nonOverlappingCidrs,
        perServiceKmsKeys,
        kmsKeyRotation,
        encryptionInTransitAndAtRest,
        nothingLost,
        s3PublicAccessBlocked,
        s3TlsOnly,
        cloudfrontSecureViewers,
        eksClusterHardened,
        nodesHardened,
        auditLogging,
        leastPrivilegeIam,
        noPublicResourcePolicies,
        trustedAssumeRolePolicies,
        costAllocationTags,
        latencyRecordsHaveHealthChecks,
        lbListenersTls,
        publicOriginsVerifyDistribution,
        versionsPinned,
        drNotificationsSubscribed,
    ],
});
