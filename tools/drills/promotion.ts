/**
 * The simulator's only hand-written numbers: how long a cross-Region promotion takes once the
 * failover API is called, per store, as AWS states it. Everything else (detection, evaluation
 * periods, TTLs) comes from the planned resources.
 */

export interface PromotionFigure {
    /** Seconds from the failover call to a writable primary in the target Region. */
    readonly seconds: number;
    /** AWS's own statement of the figure. */
    readonly source: string;
    readonly quote: string;
}

/** Store kinds the failover Lambdas promote (FAILOVER_STORE). */
export type PromotedStore = "aurora" | "docdb" | "elasticache";

export const PROMOTION_SECONDS: Readonly<Record<PromotedStore, PromotionFigure>> = {
    aurora: {
        seconds: 60,
        source: "https://disaster-recovery.workshop.aws/en/services/databases/aurora/global-database.html",
        quote: "promote one of the AWS secondary regions to perform full read/write workloads in less than a minute … RTO: 1 minute",
    },
    docdb: {
        seconds: 60,
        source: "https://docs.aws.amazon.com/documentdb/latest/developerguide/global-clusters.html",
        quote: "promote one of the secondary clusters to a primary cluster within minutes, with a typical Recovery Time Objective (RTO) of under a minute",
    },
    elasticache: {
        seconds: 60,
        source: "https://disaster-recovery.workshop.aws/en/services/databases/elasticache/global-datastore.html",
        quote: "a secondary cluster can be promoted to a primary cluster … RTO: 1 minute",
    },
};
