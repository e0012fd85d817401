"""What a run does outside Prefect: walk and read SOURCE, clean pages in worker processes
under a time limit, stage their rows. Nothing here imports Prefect."""
