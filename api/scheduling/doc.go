// Package scheduling holds scheduling.k8s.io/v1 PriorityClass, which maps a
// pod's priorityClassName to the integer priority the scheduler orders its
// queue by and preempts with (scheduler/, DESIGN.md "scheduler").
package scheduling
