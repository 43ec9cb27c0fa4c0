// Package batch holds batch/v1: Job, which runs pods to completion, and
// CronJob, which creates Jobs on a cron schedule. The controllers in
// controller/job and controller/cronjob reconcile them (DESIGN.md,
// "controller").
//
// Default applies Kubernetes' defaulting for the group, including the core
// defaults of the pod templates.
package batch
