/**
 * The simulator's only hand-written numbers: how long a cross-Region promotion takes once the
 * failover API is called, per store, and when Lambda retries a failed asynchronous invocation, as
 * AWS documentation states them. Everything else (detection, evaluation periods, TTLs, retry
 * counts) comes from the planned resources.
 */

export interface PromotionFigure {
    /** Seconds from the failover call to a writable primary in the target Region. */
    readonly seconds: number;
    /**
     * AWS states no figure tighter than "minutes": `seconds` is a conservative assumption and the
     * RTOs built on it are lower bounds (shown as `≥`).
     */
    readonly lowerBound: boolean;
    /** AWS's own documentation (docs.aws.amazon.com) of the figure. */
    readonly source: string;
    readonly quote: string;
}

/** Store kinds a promotion acts on (Region switch's database blocks, the ElastiCache function). */
export type PromotedStore = "aurora" | "docdb" | "elasticache";

export const PROMOTION_SECONDS: Readonly<Record<PromotedStore, PromotionFigure>> = {
    aurora: {
        seconds: 120,
        lowerBound: true,
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/disaster-recovery-resiliency.html",
        quote: "RTO can be in the order of minutes",
    },
    docdb: {
        seconds: 60,
        lowerBound: false,
        source: "https://docs.aws.amazon.com/documentdb/latest/developerguide/global-clusters.html",
        quote: "promote one of the secondary clusters to a primary cluster within minutes, with a typical Recovery Time Objective (RTO) of under a minute",
    },
    elasticache: {
        // The global-datastore guide names disaster recovery as a use but states no duration.
        seconds: 120,
        lowerBound: true,
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastore.html",
        quote: "create cross-Region read replica clusters to enable low-latency reads and disaster recovery across AWS Regions (no duration stated)",
    },
};

/**
 * When Lambda runs a failed asynchronous invocation again: one minute after the first attempt,
 * two after the second (how many of these run is the planned `maximumRetryAttempts`).
 */
export const LAMBDA_ASYNC_RETRY_DELAYS = {
    seconds: [60, 120] as readonly number[],
    source: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html",
    quote: "If the function returns an error, by default Lambda attempts to run it two more times, with a one-minute wait between the first two attempts, and two minutes between the second and third attempts.",
} as const;
