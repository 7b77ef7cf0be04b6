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

/**
 * The grant an origin bucket gives CloudFront through origin access control: `s3:GetObject` for
 * one distribution only (`AWS:SourceArn`), as AWS's OAC guide writes it.
 */
export function cloudFrontReadsThroughOac<T>(bucketArn: string, distributionArn: T) {
    return {
        Sid: "CloudFrontReadsThroughOac",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    } as const;
}
