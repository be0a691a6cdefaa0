//! Projections: when each task will be done if nothing changes, and when
//! it would be if it were given to someone now ("done ~11:20" on the task
//! board, and what the policies weigh). Reads the state; changes nothing.

use super::Shift;
use crate::scenario::Minute;

impl Shift {
    /// When each task is expected to finish if nothing changes: the queue of
    /// each worker played forward against their hours left. `None` for
    /// tasks nobody is on or that will not be finished today.
    pub fn projected_finish(&self) -> Vec<Option<Minute>> {
        let mut out = vec![None; self.tasks.len()];
        for m in &self.members {
            self.project_queue(m.queue.iter().copied(), m.minutes_left, &mut out);
        }
        if let Some(t) = self.trainee_task {
            let start = self.break_until.unwrap_or(self.now);
            let mut one = vec![None; self.tasks.len()];
            self.project_from(start, std::iter::once(t), self.trainee_minutes, &mut one);
            out[t] = one[t];
        }
        out
    }

    /// When `member` would finish `task` if it were put at the end of their
    /// queue now; `None` if not today.
    pub fn finish_if_assigned(&self, task: usize, member: usize) -> Option<Minute> {
        let m = &self.members[member];
        let queue = m.queue.iter().copied().filter(|&q| q != task);
        self.finish_of(
            self.now,
            queue.chain(std::iter::once(task)),
            m.minutes_left,
            task,
        )
    }

    /// When `member` would finish `task` if `planned` (tasks not yet
    /// assigned, in order) and then `task` were put at the end of their
    /// queue now; `None` if not today. A player planning several
    /// assignments at one moment counts the earlier ones this way.
    pub fn finish_if_queued(
        &self,
        task: usize,
        member: usize,
        planned: &[usize],
    ) -> Option<Minute> {
        let m = &self.members[member];
        let queue = m
            .queue
            .iter()
            .copied()
            .filter(|&q| q != task && !planned.contains(&q))
            .chain(planned.iter().copied())
            .chain(std::iter::once(task));
        self.finish_of(self.now, queue, m.minutes_left, task)
    }

    /// When the trainee would finish `task` starting now; `None` if their
    /// hours do not cover it or the shift ends first.
    pub fn finish_if_myself(&self, task: usize) -> Option<Minute> {
        self.finish_if_myself_from(task, self.now)
    }

    /// When the trainee would finish `task` starting at `start` (once free
    /// of what they are doing); `None` if their hours do not cover it or
    /// the shift ends first.
    pub fn finish_if_myself_from(&self, task: usize, start: Minute) -> Option<Minute> {
        let minutes = match self.trainee_task {
            Some(t) if t != task => self.trainee_minutes.saturating_sub(self.left(t)),
            _ => self.trainee_minutes,
        };
        self.finish_of(start.max(self.now), std::iter::once(task), minutes, task)
    }

    /// When `task` in `queue` is done, worked from `t` against `minutes`
    /// left; `None` if it is not done today.
    fn finish_of(
        &self,
        t: Minute,
        queue: impl Iterator<Item = usize>,
        minutes: u32,
        task: usize,
    ) -> Option<Minute> {
        self.finishes(t, queue, minutes)
            .find(|&(q, _)| q == task)
            .map(|(_, at)| at)
    }

    pub(super) fn project_queue(
        &self,
        queue: impl Iterator<Item = usize>,
        minutes: u32,
        out: &mut [Option<Minute>],
    ) {
        self.project_from(self.now, queue, minutes, out)
    }

    pub(super) fn project_from(
        &self,
        t: Minute,
        queue: impl Iterator<Item = usize>,
        minutes: u32,
        out: &mut [Option<Minute>],
    ) {
        for (task, at) in self.finishes(t, queue, minutes) {
            out[task] = Some(at);
        }
    }

    /// Each task of `queue` with when it is done, worked one after another
    /// from `t` against `minutes` left, until one is not done today.
    fn finishes(
        &self,
        mut t: Minute,
        queue: impl Iterator<Item = usize>,
        mut minutes: u32,
    ) -> impl Iterator<Item = (usize, Minute)> {
        queue.map_while(move |task| {
            let left = self.left(task);
            if left > minutes || t + left > self.sc.end {
                return None;
            }
            t += left;
            minutes -= left;
            Some((task, t))
        })
    }

    /// How many tasks of a worker's queue (played forward from now against
    /// `minutes` left) will miss their deadline; the same projection as
    /// [`Shift::projected_finish`].
    pub(super) fn at_risk_in_queue(
        &self,
        queue: impl Iterator<Item = usize>,
        mut minutes: u32,
    ) -> i64 {
        let (mut t, mut stuck, mut n) = (self.now, false, 0);
        for task in queue {
            let s = &self.tasks[task];
            let left = self.left(task);
            stuck |= left > minutes || t + left > self.sc.end;
            let at_risk = stuck || {
                t += left;
                minutes -= left;
                t > s.deadline
            };
            n += i64::from(s.is_open() && !s.late && at_risk);
        }
        n
    }
}
