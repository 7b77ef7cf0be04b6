/**
 * The TLS-only statement every bucket policy starts with (the `s3-tls-only` policy looks for it).
 * Pure and generic over the ARN's type, so plain planners and `pulumi.jsonStringify` both use it.
 */
export function denyInsecureTransport<T>(bucketArn: T, objectsArn: T) {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, objectsArn],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    } as const;
}
