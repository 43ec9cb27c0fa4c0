package api

import "github.com/spar-dev/spar/api/batch"

// addBatch registers the kinds of batch/v1.
func addBatch(s *Scheme) {
	g, v := batch.GroupName, batch.Version
	MustRegister[batch.Job](s, Resource{Group: g, Version: v, Kind: "Job", Plural: "jobs", Namespaced: true,
		Categories: []string{"all"}, Subresources: []string{"status"}})
	MustRegister[batch.CronJob](s, Resource{Group: g, Version: v, Kind: "CronJob", Plural: "cronjobs", Namespaced: true,
		ShortNames: []string{"cj"}, Categories: []string{"all"}, Subresources: []string{"status"}})
}
