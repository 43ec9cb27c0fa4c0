package scheduler

// NormalizeScores scales scores so the highest is MaxNodeScore (all zero
// stays zero); with reverse, the lowest raw score gets MaxNodeScore. It is
// the NormalizeScore most plugins need.
func NormalizeScores(scores []NodeScore, reverse bool) {
	var maxCount int64
	for _, s := range scores {
		maxCount = max(maxCount, s.Score)
	}
	if maxCount == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = MaxNodeScore
			}
		}
		return
	}
	for i := range scores {
		s := scores[i].Score * MaxNodeScore / maxCount
		if reverse {
			s = MaxNodeScore - s
		}
		scores[i].Score = s
	}
}
