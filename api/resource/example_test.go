package resource_test

import (
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api/resource"
)

func Example() {
	// Quantities print in canonical form, in the format they were written in.
	for _, s := range []string{"100m", "0.1", "1.5Gi", "1024Mi", "1500M", "1e3", "0.0000000001"} {
		q := resource.MustParse(s)
		fmt.Printf("%-12s -> %-7s %s\n", s, q, q.Format())
	}

	// Arithmetic is exact and returns new values.
	requests := resource.MustParse("250m").Add(resource.MustParse("0.5"))
	fmt.Println("requests:", requests, "=", requests.MilliValue(), "millicores")
	memory := resource.MustParse("1Gi").Sub(resource.MustParse("256Mi"))
	fmt.Println("left:", memory, "=", memory.Value(), "bytes")
	fmt.Println("fits:", resource.MustParse("700m").Cmp(requests) <= 0)

	// JSON accepts strings and bare numbers and writes canonical strings.
	var limits map[string]resource.Quantity
	_ = json.Unmarshal([]byte(`{"cpu": 2, "memory": "1.5Gi"}`), &limits)
	out, _ := json.Marshal(limits)
	fmt.Println(string(out))

	_, err := resource.ParseQuantity("1GB")
	fmt.Println(err)
	// Output:
	// 100m         -> 100m    DecimalSI
	// 0.1          -> 100m    DecimalSI
	// 1.5Gi        -> 1536Mi  BinarySI
	// 1024Mi       -> 1Gi     BinarySI
	// 1500M        -> 1500M   DecimalSI
	// 1e3          -> 1e3     DecimalExponent
	// 0.0000000001 -> 1n      DecimalSI
	// requests: 750m = 750 millicores
	// left: 768Mi = 805306368 bytes
	// fits: true
	// {"cpu":"2","memory":"1536Mi"}
	// quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
}

func ExampleQuantity_ScaledValue() {
	q := resource.MustParse("1.5Gi")
	fmt.Println(q.Value(), q.ScaledValue(resource.Mega), q.ScaledValue(resource.Giga))
	// Rounding is away from zero, so a request for a little still gets some.
	fmt.Println(resource.MustParse("1n").MilliValue(), resource.MustParse("-1n").MilliValue())
	// Output:
	// 1610612736 1611 2
	// 1 -1
}
