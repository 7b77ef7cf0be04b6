/** The mall's CrossGuard pack: constructs the PolicyPack from the domain modules, nothing else. */
import { PolicyPack } from "@pulumi/policy";
import { noWorldOpenIngress, nonOverlappingCidrs } from "./network";

new PolicyPack("mall-guardrails", {
    policies: [noWorldOpenIngress, nonOverlappingCidrs],
});
