import sys

from governance.main import main

sys.exit(main())
