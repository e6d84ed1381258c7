"`python -m pytorch_hackathon`: the `newsbert` command. Hand-written (nbdev generates the other modules from nbs/)."
from pytorch_hackathon.cli import main
if __name__ == '__main__': raise SystemExit(main())
