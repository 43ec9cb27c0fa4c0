//go:build !(linux && (amd64 || arm64))

package bolt

func newDataSyncer() dataSyncer { return plainSyncer{} }
