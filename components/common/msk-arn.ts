/** MSK IAM resource ARNs, derived from a cluster's ARN (one home for the data and EKS layers). */

/** `arn:aws:kafka:r:a:cluster/<name>/<uuid>` → `arn:aws:kafka:r:a:topic/<name>/<uuid>/`. */
export function topicArnPrefix(mskClusterArn: string): string {
    return `${mskClusterArn.replace(":cluster/", ":topic/").replace(/\/$/, "")}/`;
}

/** The MSK consumer-group ARN prefix that matches a topic ARN prefix. */
export function groupArnPrefix(topicArnPrefix: string): string {
    return topicArnPrefix.replace(":topic/", ":group/");
}
