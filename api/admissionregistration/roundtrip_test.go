package admissionregistration_test

import (
	"testing"

	"github.com/spar-dev/spar/internal/apitest"
)

func TestRoundTripTestdata(t *testing.T) { apitest.RoundTripTestdata(t) }
