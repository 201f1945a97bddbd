//go:build !unix

package bus

import "os"

// Without flock the folder is not guarded; Baken is run on unix systems.
func tryLock(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
